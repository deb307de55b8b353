//! The data catalogue ([`Dataset`]s): every declared register (child tables are part of
//! their parent's) and every run-time register, described from its declaration and its custom fields; the record count
//! (capped, through the scope index) and the last change (the top of the history's
//! `(register, at)` index) only where the user may view the records.
//!
//! [`Dataset`]: crate::engine::catalogue::Dataset

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::custom::custom_fields;
use super::list::count_up_to;
use super::{Translate, visible};
use crate::accounts::SessionUser;
use crate::engine::catalogue::{Dataset, DatasetField};
use crate::engine::declare::Register;
use crate::engine::record::{Action, Count};
use crate::error::AppError;
use crate::sql::Sql;

/// Records counted before the catalogue says "at least".
pub const CATALOGUE_COUNT_CAP: i64 = 10_000;

pub async fn catalogue(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    translate: Translate<'_>,
) -> Result<Vec<Dataset>, AppError> {
    let mut datasets = Vec::new();
    for module in crate::modules::MODULES {
        for register in module.registers.iter().copied().filter(|register| register.parent.is_none()) {
            datasets.push(dataset(conn, user, module.clause, register, translate).await?);
        }
    }
    for register in super::runtime::registers() {
        datasets.push(dataset(conn, user, crate::engine::runtime::RUNTIME_CLAUSE, register, translate).await?);
    }
    Ok(datasets)
}

async fn dataset(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    clause: &str,
    register: &'static Register,
    translate: Translate<'_>,
) -> Result<Dataset, AppError> {
    let custom = custom_fields(conn, register).await?;
    let declared = register.fields.iter().map(|field| DatasetField {
        name: field.name.to_owned(),
        label: translate(&register.label_key(field.name)),
        required: field.required,
        custom: false,
    });
    let added = custom.iter().map(|field| DatasetField {
        name: field.key.clone(),
        label: field.label_zh.clone(),
        required: field.required,
        custom: true,
    });
    let (records, last_updated) = if user.may(register, Action::View) {
        let live = Sql::all([Sql::new("r.deleted_at IS NULL"), visible(user, "r")]);
        let n = count_up_to(conn, register, live, None, CATALOGUE_COUNT_CAP + 1).await?;
        let count =
            if n > CATALOGUE_COUNT_CAP { Count::AtLeast(CATALOGUE_COUNT_CAP as u64) } else { Count::Exact(n as u64) };
        (Some(count), last_change(conn, register).await?)
    } else {
        (None, None)
    };
    Ok(Dataset {
        module: register.module.to_owned(),
        register: register.name.to_owned(),
        module_title: translate(&register.module_key()),
        title: translate(&register.title_key()),
        clause: clause.to_owned(),
        owner: translate(register.owner_department),
        update_frequency: register.update_frequency.code().to_owned(),
        sharing: register.sharing.code().to_owned(),
        fields: declared.chain(added).collect(),
        records,
        last_updated,
    })
}

/// The newest history entry of the register (the top of `record_history_register_at_idx`).
async fn last_change(conn: &mut AsyncPgConnection, register: &Register) -> Result<Option<DateTime<Utc>>, AppError> {
    #[derive(QueryableByName)]
    struct Last {
        #[diesel(sql_type = Nullable<Timestamptz>)]
        at: Option<DateTime<Utc>>,
    }
    let last: Last = Sql::new("SELECT max(at) AS at FROM record_history WHERE register = ")
        .bind(register.key())
        .query()
        .get_result(conn)
        .await?;
    Ok(last.at)
}

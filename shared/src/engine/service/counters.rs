//! The figures the registers declare for the dashboard and the big screen ([`Counter`]s):
//! the number of live records, of those with one choice value or in one state, the sum of a
//! number field, or an alert's records at or below their limit — in the user's data scope, for every register they may view. One
//! query per register computes all of its counters at once (`count(*) FILTER (…)`), through
//! the scope index; labels come translated, with the list each figure drills down to.
//!
//! [`Counter`]: crate::engine::declare::Counter

use diesel::QueryableByName;
use diesel::sql_types::Jsonb;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{Translate, table, visible};
use crate::accounts::SessionUser;
use crate::engine::declare::{Measure, Register};
use crate::engine::record::{Action, RegisterCounter};
use crate::error::AppError;
use crate::sql::Sql;

/// Every declared counter of every register `user` may view, in declared order.
pub async fn counters(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    translate: Translate<'_>,
) -> Result<Vec<RegisterCounter>, AppError> {
    let mut all = Vec::new();
    for register in crate::modules::registers() {
        if register.counters.is_empty() || register.parent.is_some() || !user.may(register, Action::View) {
            continue;
        }
        let values = values(conn, user, register).await?;
        for (counter, value) in register.counters.iter().zip(values) {
            all.push(RegisterCounter {
                module: register.module.to_owned(),
                register: register.name.to_owned(),
                module_title: translate(&register.module_key()),
                label: translate(&register.counter_key(counter.name)),
                href: href(register, counter.measure),
                alert: counter.measure.is_alert() && value != "0",
                value,
            });
        }
    }
    Ok(all)
}

/// The counters' values of one register, as text (a sum may have decimals).
async fn values(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
) -> Result<Vec<String>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Jsonb)]
        values: serde_json::Value,
    }
    let columns = register.counters.iter().map(|counter| match counter.measure {
        Measure::Count => Sql::new("count(*)::text"),
        Measure::CountWhere { field, value } => {
            Sql::new("(count(*) FILTER (WHERE r.").push(field).push(" = ").bind(value).push("))::text")
        }
        Measure::CountInState(state) => Sql::new("(count(*) FILTER (WHERE r.state = ").bind(state).push("))::text"),
        Measure::Sum(field) => Sql::new("coalesce(sum(r.").push(field).push("), 0)::text"),
        Measure::AtOrBelow { field, limit } => {
            Sql::new("(count(*) FILTER (WHERE r.").push(field).push(" <= r.").push(limit).push("))::text")
        }
    });
    let row: Row = Sql::new("SELECT jsonb_build_array(")
        .append(Sql::join(columns, ", ", Sql::new("")))
        .push(") AS values FROM ")
        .append(table(register))
        .push(" r WHERE r.deleted_at IS NULL AND ")
        .append(visible(user, "r"))
        .query()
        .get_result(conn)
        .await?;
    Ok(row
        .values
        .as_array()
        .map(|values| values.iter().map(|value| value.as_str().unwrap_or("0").to_owned()).collect())
        .unwrap_or_default())
}

/// The list a figure drills down to: filtered by its value where the list can filter so.
fn href(register: &Register, measure: Measure) -> String {
    let list = format!("/m/{}/{}", register.module, register.name);
    match measure {
        Measure::CountWhere { field, value } if register.filters.contains(&field) => format!("{list}?{field}={value}"),
        Measure::CountInState(state) if register.filters.contains(&"state") => format!("{list}?state={state}"),
        // The records nearest their limit first.
        Measure::AtOrBelow { field, .. } if register.list.contains(&field) => format!("{list}?sort={field}&dir=asc"),
        _ => list,
    }
}

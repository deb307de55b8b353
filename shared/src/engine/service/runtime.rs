//! Run-time registers (`crate::engine::runtime`): created by an administrator with
//! `registers.manage`, kept in `runtime_registers`, their records rows of `reg.ledger_records`.
//!
//! The engine's functions take a `&'static Register`; a run-time register gets one the first
//! time a process reads it (its declaration built from the row and leaked — once per
//! register and process, never on a later read: see [`Known`]), so every generic query,
//! permission check and page serves it unchanged. Each process keeps the list of them in
//! [`SNAPSHOT`]: read at start-up (before the built-in roles take their codes), after a
//! create on this process, when a request names a register this process has not read yet
//! ([`resolve`]), and by the server's clock every few seconds — so a register created on one
//! process is on every other's menu and role editor within that interval, and its pages open
//! everywhere at once.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::write::count;
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::declare::{Place, Register};
use crate::engine::runtime::{
    MAX_REGISTERS, RUNTIME_MODULE, RUNTIME_TABLE, RuntimeRegister, RuntimeRegisterForm, RuntimeTitle, RuntimeTitleForm,
};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::permissions::codes;
use crate::sql::Sql;

/// One run-time register as this process knows it.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub register: &'static Register,
    /// Its titles, for the translation of `reg.ledger.<name>` (leaked with the register;
    /// leaked again only when an administrator changes them).
    pub title_zh: &'static str,
    pub title_en: &'static str,
}

/// The run-time registers this process knows, in the order they were created.
static SNAPSHOT: RwLock<Vec<Known>> = RwLock::new(Vec::new());

/// Every declaration this process has built, by name: a register read again is the same
/// `&'static`, so the memory leaked is bounded by the registers there are (at most
/// [`MAX_REGISTERS`] and their title changes), not by how often they are read.
static BUILT: Mutex<Option<HashMap<String, Known>>> = Mutex::new(None);

/// The run-time registers this process knows.
pub fn registers() -> Vec<&'static Register> {
    SNAPSHOT.read().unwrap_or_else(PoisonError::into_inner).iter().map(|known| known.register).collect()
}

/// The title of the run-time register whose title key is `key` (`reg.ledger.<name>`) in the
/// language whose code is `locale`, if this process knows it.
pub fn title(locale: &str, key: &str) -> Option<&'static str> {
    let name = key.strip_prefix("reg.")?.strip_prefix(RUNTIME_MODULE)?.strip_prefix('.')?;
    let snapshot = SNAPSHOT.read().unwrap_or_else(PoisonError::into_inner);
    let known = snapshot.iter().find(|known| known.register.name == name)?;
    Some(if locale.starts_with("zh") { known.title_zh } else { known.title_en })
}

/// Its titles, for a menu the browser renders.
pub fn titles(register: &Register) -> Option<RuntimeTitle> {
    let snapshot = SNAPSHOT.read().unwrap_or_else(PoisonError::into_inner);
    let known = snapshot.iter().find(|known| std::ptr::eq(known.register, register))?;
    Some(RuntimeTitle { zh: known.title_zh.to_owned(), en: known.title_en.to_owned() })
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    title_zh: String,
    #[diesel(sql_type = Text)]
    title_en: String,
    #[diesel(sql_type = Text)]
    place: String,
    #[diesel(sql_type = Text)]
    created_by: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    fields: i64,
}

/// The run-time registers in the order they were made; with `details`, who made each and
/// its fields in use (the administrator's list), else only what a declaration needs (the
/// refresh every ten seconds reads no more).
async fn rows(conn: &mut AsyncPgConnection, details: bool) -> Result<Vec<Row>, AppError> {
    let details = if details {
        "coalesce(u.display_name, '') AS created_by, (SELECT count(*) FROM custom_fields f \
         WHERE f.register = 'ledger.' || r.name AND f.retired_at IS NULL) AS fields"
    } else {
        "'' AS created_by, 0::bigint AS fields"
    };
    Ok(Sql::new("SELECT r.name, r.title_zh, r.title_en, r.place, r.created_at, ")
        .push(details)
        .push(" FROM runtime_registers r LEFT JOIN users u ON u.id = r.created_by ORDER BY r.id")
        .query()
        .load(conn)
        .await?)
}

/// Reads the run-time registers into this process's [`SNAPSHOT`]. A register is never taken
/// out of it (none is ever deleted: its records and history stay), so a process serving
/// several databases — the integration tests' — keeps each one's.
pub async fn refresh(conn: &mut AsyncPgConnection) -> Result<(), AppError> {
    let rows = rows(conn, false).await?;
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    let built = built.get_or_insert_with(HashMap::new);
    let mut snapshot = SNAPSHOT.write().unwrap_or_else(PoisonError::into_inner);
    for row in &rows {
        let place = Place::parse(&row.place).unwrap_or(Place::Township);
        let known = match built.get(&row.name) {
            Some(known)
                if known.register.place == place
                    && known.title_zh == row.title_zh
                    && known.title_en == row.title_en =>
            {
                *known
            }
            _ => {
                let known = build(row, place);
                built.insert(row.name.clone(), known);
                known
            }
        };
        match snapshot.iter_mut().find(|held| held.register.name == row.name) {
            Some(held) => *held = known,
            None => snapshot.push(known),
        }
    }
    Ok(())
}

/// The declaration of a run-time register: the engine's defaults, its name and place, the
/// shared table; its fields are all custom. Leaked, once per register (see [`BUILT`]).
fn build(row: &Row, place: Place) -> Known {
    let name: &'static str = Box::leak(row.name.clone().into_boxed_str());
    let register: &'static Register =
        Box::leak(Box::new(Register { place, ..Register::new(RUNTIME_MODULE, name, RUNTIME_TABLE) }));
    Known {
        register,
        title_zh: Box::leak(row.title_zh.clone().into_boxed_str()),
        title_en: Box::leak(row.title_en.clone().into_boxed_str()),
    }
}

/// The register `module.name`: a declared one, or a run-time one — read from the database if
/// this process has not read it yet (created on another process a moment ago).
pub async fn resolve(conn: &mut AsyncPgConnection, module: &str, name: &str) -> Result<&'static Register, AppError> {
    if let Some(register) = crate::modules::register(module, name) {
        return Ok(register);
    }
    if module != RUNTIME_MODULE || crate::engine::runtime::valid_name(name).is_err() {
        return Err(AppError::NotFound);
    }
    refresh(conn).await?;
    crate::modules::register(module, name).ok_or(AppError::NotFound)
}

/// The run-time registers, for the administrator's page.
pub async fn list(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<RuntimeRegister>, AppError> {
    if !user.can(codes::REGISTERS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    Ok(rows(conn, true)
        .await?
        .into_iter()
        .map(|row| RuntimeRegister {
            place: Place::parse(&row.place).unwrap_or(Place::Township),
            title: RuntimeTitle { zh: row.title_zh, en: row.title_en },
            name: row.name,
            fields: row.fields,
            created_by: row.created_by,
            created_at: row.created_at,
        })
        .collect())
}

/// Creates a run-time register; the built-in roles take its codes at once (as they take a
/// declared register's at start-up), so the township's staff may use it as they use the
/// declared ones, and the creator goes on to add its fields. Returns it.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    form: &RuntimeRegisterForm,
) -> Result<&'static Register, AppError> {
    if !user.can(codes::REGISTERS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let new = form.check()?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, AppError, _>(async |conn| {
        // One creator at a time: the cap is counted and the name taken without a race.
        Sql::new("SELECT pg_advisory_xact_lock(").bind(LOCK).push(")").query().execute(conn).await?;
        if count(conn, Sql::new("SELECT count(*) AS n FROM runtime_registers")).await? >= MAX_REGISTERS {
            return Err(AppError::field("name", ErrorCode::RegisterTooMany));
        }
        let taken = Sql::new("SELECT count(*) AS n FROM runtime_registers WHERE name = ").bind(new.name.clone());
        if count(conn, taken).await? > 0 {
            return Err(AppError::Validation(vec![FieldError::new("name", ErrorCode::RegisterNameTaken)]));
        }
        Sql::new("INSERT INTO runtime_registers (name, title_zh, title_en, place, created_by) VALUES (")
            .bind(new.name.clone())
            .push(", ")
            .bind(new.title.zh.clone())
            .push(", ")
            .bind(new.title.en.clone())
            .push(", ")
            .bind(new.place.code())
            .push(", ")
            .bind(user.id)
            .push(")")
            .query()
            .execute(conn)
            .await?;
        let target = format!("{RUNTIME_MODULE}.{}", new.name);
        audit::record(
            conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            AuditAction::CreateRegister,
            &target,
            &new.title.zh,
        )
        .await
    })
    .await?;
    refresh(conn).await?;
    crate::accounts::service::roles::ensure_builtin(conn).await?;
    crate::modules::register(RUNTIME_MODULE, &new.name).ok_or(AppError::Internal)
}

/// Gives a run-time register new titles (its name stays); the menu and the role editor of
/// this process follow at once, the others' within their refresh.
pub async fn retitle(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    name: &str,
    form: &RuntimeTitleForm,
) -> Result<(), AppError> {
    if !user.can(codes::REGISTERS_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let title = form.check()?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, AppError, _>(async |conn| {
        let changed = Sql::new("UPDATE runtime_registers SET title_zh = ")
            .bind(title.zh.clone())
            .push(", title_en = ")
            .bind(title.en.clone())
            .push(" WHERE name = ")
            .bind(name)
            .query()
            .execute(conn)
            .await?;
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        let target = format!("{RUNTIME_MODULE}.{name}");
        audit::record(
            conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            AuditAction::RetitleRegister,
            &target,
            &title.zh,
        )
        .await
    })
    .await?;
    refresh(conn).await
}

/// The advisory lock of [`create`] ("tgRR").
const LOCK: i64 = 0x7467_5252;

//! Delegations while away ([`crate::engine::delegation`]): given, revoked and listed by the
//! people in them, and read by the approval step, "my tasks" and the notices through
//! [`delegators`] and [`active_for`] — the one definition of a delegation running today.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Date, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::accounts::{SessionUser, UserKind};
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::delegation::{Delegation, DelegationForm, DelegationStatus, Delegations};
use crate::error::{AppError, ErrorCode};
use crate::sql::Sql;

/// How many delegations of each side the page lists (the newest).
const LISTED: i64 = 20;
/// How many colleagues the form offers (the township's staff, by name).
const COLLEAGUES: i64 = 500;

/// The condition that delegation `d` runs on `today` (not revoked, within its days).
pub(super) fn running(alias: &'static str, today: NaiveDate) -> Sql {
    Sql::new(alias)
        .push(".revoked_at IS NULL AND ")
        .push(alias)
        .push(".starts_on <= ")
        .bind(today)
        .push(" AND ")
        .push(alias)
        .push(".ends_on >= ")
        .bind(today)
}

/// The users for whom `user` approves today, in no particular order.
pub(super) async fn delegators(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<i64>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        delegator_id: i64,
    }
    let rows: Vec<Row> = Sql::new("SELECT d.delegator_id FROM approval_delegations d WHERE d.delegate_id = ")
        .bind(user.id)
        .push(" AND d.township_id = ")
        .bind(user.township_id)
        .push(" AND ")
        .append(running("d", crate::time::today()))
        .query()
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|row| row.delegator_id).collect())
}

/// The people who may approve for user `who` (a column or bound value) today: the user and
/// their running delegations' delegates, as a subquery of one column `u`.
pub(super) fn active_for(who: Sql) -> Sql {
    Sql::new("(SELECT ")
        .append(who.clone())
        .push(" AS u UNION SELECT d.delegate_id FROM approval_delegations d WHERE d.delegator_id = ")
        .append(who)
        .push(" AND ")
        .append(running("d", crate::time::today()))
        .push(")")
}

/// The user's delegations, given and received, and the colleagues they may name.
pub async fn delegations(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Delegations, AppError> {
    require_staff(user)?;
    let today = crate::time::today();
    let side = |column: &'static str| {
        Sql::new(
            "SELECT d.id, g.display_name AS delegator, e.display_name AS delegate, d.starts_on, d.ends_on, d.reason, \
             d.revoked_at IS NOT NULL AS revoked, d.created_at FROM approval_delegations d \
             JOIN users g ON g.id = d.delegator_id JOIN users e ON e.id = d.delegate_id WHERE d.",
        )
        .push(column)
        .push(" = ")
        .bind(user.id)
        .push(" ORDER BY d.starts_on DESC, d.id DESC LIMIT ")
        .bind(LISTED)
    };
    let given: Vec<Row> = side("delegator_id").query().load(conn).await?;
    let received: Vec<Row> = side("delegate_id").query().load(conn).await?;
    #[derive(QueryableByName)]
    struct Colleague {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        display_name: String,
    }
    let colleagues: Vec<Colleague> =
        Sql::new("SELECT id, display_name FROM users WHERE status = 'active' AND kind = 'staff' AND township_id = ")
            .bind(user.township_id)
            .push(" AND id <> ")
            .bind(user.id)
            .push(" ORDER BY display_name, id LIMIT ")
            .bind(COLLEAGUES)
            .query()
            .load(conn)
            .await?;
    Ok(Delegations {
        given: given.into_iter().map(|row| row.delegation(today)).collect(),
        received: received.into_iter().map(|row| row.delegation(today)).collect(),
        colleagues: colleagues.into_iter().map(|colleague| (colleague.id, colleague.display_name)).collect(),
    })
}

/// Gives a delegation: `user` away, `form.delegate` approving in their place. Refused, with
/// nothing written, when the form is wrong, the delegate is not an active staff member of
/// the user's township, or the days overlap another of the user's delegations not revoked.
pub async fn delegate(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    form: &DelegationForm,
) -> Result<i64, AppError> {
    require_staff(user)?;
    let new = form.check(crate::time::today())?;
    conn.transaction::<_, AppError, _>(async |conn| {
        #[derive(QueryableByName)]
        struct Found {
            #[diesel(sql_type = Text)]
            display_name: String,
        }
        let delegate: Option<Found> = Sql::new("SELECT display_name FROM users WHERE id = ")
            .bind(new.delegate)
            .push(" AND id <> ")
            .bind(user.id)
            .push(" AND status = 'active' AND kind = 'staff' AND township_id = ")
            .bind(user.township_id)
            .query()
            .get_result(conn)
            .await
            .map(Some)
            .or_else(|error| if error == diesel::result::Error::NotFound { Ok(None) } else { Err(error) })?;
        let Some(delegate) = delegate else {
            return Err(AppError::field("delegate", ErrorCode::DelegationDelegateUnknown));
        };
        // One delegation at a time per approver: two writers for the same approver wait for
        // each other here, so neither misses the other's days.
        Sql::new("SELECT pg_advisory_xact_lock(")
            .bind(DELEGATION_LOCK)
            .push(", ")
            .bind(i32::try_from(user.id % i64::from(i32::MAX)).unwrap_or_default())
            .push(")")
            .query()
            .execute(conn)
            .await?;
        let overlapping = super::write::count(
            conn,
            Sql::new("SELECT count(*) AS n FROM approval_delegations WHERE delegator_id = ")
                .bind(user.id)
                .push(" AND revoked_at IS NULL AND starts_on <= ")
                .bind(new.ends_on)
                .push(" AND ends_on >= ")
                .bind(new.starts_on),
        )
        .await?;
        if overlapping > 0 {
            return Err(AppError::field("starts_on", ErrorCode::DelegationOverlap));
        }
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        let id: Id = Sql::new(
            "INSERT INTO approval_delegations (township_id, delegator_id, delegate_id, starts_on, ends_on, reason) VALUES (",
        )
        .bind(user.township_id)
        .push(", ")
        .bind(user.id)
        .push(", ")
        .bind(new.delegate)
        .push(", ")
        .bind(new.starts_on)
        .push(", ")
        .bind(new.ends_on)
        .push(", ")
        .bind(new.reason.clone())
        .push(") RETURNING id")
        .query()
        .get_result(conn)
        .await?;
        let detail = format!("{} → {}: {} – {}", user.display_name, delegate.display_name, new.starts_on, new.ends_on);
        audit::record(
            conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            AuditAction::CreateDelegation,
            &format!("delegation#{}", id.id),
            &detail,
        )
        .await?;
        Ok(id.id)
    })
    .await
}

/// The advisory lock space of delegations ("tgDL").
const DELEGATION_LOCK: i32 = 0x7467_444c;

/// Ends the user's delegation `id` now (an upcoming one never starts). Only its delegator
/// may; one already over is refused (`Conflict(DelegationOver)`).
pub async fn revoke(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<(), AppError> {
    require_staff(user)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        #[derive(QueryableByName)]
        struct Found {
            #[diesel(sql_type = Date)]
            starts_on: NaiveDate,
            #[diesel(sql_type = Date)]
            ends_on: NaiveDate,
            #[diesel(sql_type = Bool)]
            revoked: bool,
        }
        let found: Found = Sql::new(
            "SELECT starts_on, ends_on, revoked_at IS NOT NULL AS revoked FROM approval_delegations WHERE id = ",
        )
        .bind(id)
        .push(" AND delegator_id = ")
        .bind(user.id)
        .push(" FOR UPDATE")
        .query()
        .get_result(conn)
        .await?;
        if !DelegationStatus::of(found.starts_on, found.ends_on, found.revoked, crate::time::today()).revocable() {
            return Err(AppError::Conflict(ErrorCode::DelegationOver));
        }
        Sql::new("UPDATE approval_delegations SET revoked_at = now() WHERE id = ")
            .bind(id)
            .query()
            .execute(conn)
            .await?;
        audit::record(
            conn,
            user.township_id,
            Some(user.id),
            &user.display_name,
            AuditAction::RevokeDelegation,
            &format!("delegation#{id}"),
            "",
        )
        .await
    })
    .await
}

/// Delegation is for the township's staff: the public and enterprises approve nothing.
fn require_staff(user: &SessionUser) -> Result<(), AppError> {
    if user.kind == UserKind::Staff { Ok(()) } else { Err(AppError::Forbidden) }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    delegator: String,
    #[diesel(sql_type = Text)]
    delegate: String,
    #[diesel(sql_type = Date)]
    starts_on: NaiveDate,
    #[diesel(sql_type = Date)]
    ends_on: NaiveDate,
    #[diesel(sql_type = Text)]
    reason: String,
    #[diesel(sql_type = Bool)]
    revoked: bool,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

impl Row {
    fn delegation(self, today: NaiveDate) -> Delegation {
        Delegation {
            id: self.id,
            status: DelegationStatus::of(self.starts_on, self.ends_on, self.revoked, today),
            delegator: self.delegator,
            delegate: self.delegate,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            reason: self.reason,
            created_at: self.created_at,
        }
    }
}

//! Demo accounts: one for every built-in role, all with the same demo password, printed
//! when the server starts in demo mode. Outside demo mode there is no default password.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::accounts::builtin_roles as role;
use shared::accounts::demo_accounts::{DEMO_PASSWORD, ENTERPRISE, PENDING_ENTERPRISE, PUBLIC, STAFF};
use shared::accounts::service::{register, roles, users};
use shared::accounts::{EnterpriseRegistration, NewStaff, PublicRegistration};
use shared::schema::{enterprises, grids, users as users_table, villages};

use super::{DemoOptions, generate, seed};

/// Seeds the demo township and its accounts unless the township is already there.
pub async fn seed_if_empty(conn: &mut AsyncPgConnection, options: &DemoOptions) -> anyhow::Result<()> {
    if seed::is_seeded(conn).await? {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let township = generate(options);
    let summary = seed::seed(conn, &township).await?;
    create_accounts(conn, summary.township_id).await?;
    // A year of the township's events: about 4 a day at scale 1.
    let events = ((1500.0 * options.scale).round() as i64).max(60);
    super::events::seed_events(conn, summary.township_id, events, 365).await?;
    super::events::seed_worker_positions(conn, summary.township_id).await?;
    let today = shared::time::today();
    if super::registers::tables_exist(conn, &shared::party::MODULE).await? {
        super::party::seed(conn, summary.township_id, options.seed, today).await?;
    }
    if super::registers::tables_exist(conn, &shared::office::MODULE).await? {
        super::office::seed(conn, summary.township_id, options.seed, today).await?;
    }
    if super::registers::tables_exist(conn, &shared::maintenance::MODULE).await? {
        super::maintenance::seed(conn, summary.township_id, options.seed, today).await?;
    }
    if super::registers::tables_exist(conn, &shared::sensing::MODULE).await? {
        super::sensing::seed(conn, summary.township_id).await?;
    }
    tracing::info!(
        residents = summary.residents,
        enterprises = summary.enterprises,
        grids = summary.grids,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo township seeded"
    );
    Ok(())
}

fn fail(error: shared::AppError) -> anyhow::Error {
    anyhow::anyhow!("creating demo accounts: {error:?}")
}

pub async fn create_accounts(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<()> {
    roles::ensure_builtin(conn).await.map_err(fail)?;
    super::events::seed_departments(conn, township_id).await?;
    // The village account works in the first village, the grid worker in its first grid.
    let village_id: i32 = villages::table
        .filter(villages::township_id.eq(township_id))
        .order(villages::code)
        .select(villages::id)
        .first(conn)
        .await?;
    let grid_id: i32 =
        grids::table.filter(grids::village_id.eq(village_id)).order(grids::code).select(grids::id).first(conn).await?;
    for account in STAFF {
        let (village, grid) = match account.role {
            role::VILLAGE_STAFF => (Some(village_id), None),
            role::GRID_WORKER => (Some(village_id), Some(grid_id)),
            _ => (None, None),
        };
        let form = NewStaff {
            username: account.username.into(),
            display_name: account.name.into(),
            phone: String::new(),
            password: DEMO_PASSWORD.into(),
            role_code: account.role.into(),
            village_id: village,
            grid_id: grid,
        };
        let user_id = users::create_staff_unchecked(conn, township_id, &form).await.map_err(fail)?;
        // Handlers work in a department: the demo handler in law enforcement, the village
        // staff in their village committee.
        let department = match account.role {
            role::DEPARTMENT_HANDLER => Some(super::events::HANDLER_DEPARTMENT.to_owned()),
            role::VILLAGE_STAFF => {
                let code: String = villages::table.find(village_id).select(villages::code).first(conn).await?;
                Some(format!("v{code}"))
            }
            _ => None,
        };
        if let Some(code) = department {
            diesel::sql_query(
                "UPDATE users SET department_id = (SELECT id FROM departments WHERE township_id = $1 AND code = $2) \
                 WHERE id = $3",
            )
            .bind::<diesel::sql_types::Integer, _>(township_id)
            .bind::<diesel::sql_types::Text, _>(code)
            .bind::<diesel::sql_types::BigInt, _>(user_id)
            .execute(conn)
            .await?;
        }
    }
    register::register_public(
        conn,
        &PublicRegistration {
            township_id,
            phone: PUBLIC.username.into(),
            display_name: PUBLIC.name.into(),
            password: DEMO_PASSWORD.into(),
            password_confirm: DEMO_PASSWORD.into(),
        },
    )
    .await
    .map_err(fail)?;
    let companies: Vec<(String, String)> = enterprises::table
        .filter(enterprises::township_id.eq(township_id))
        .order(enterprises::id)
        .select((enterprises::credit_code, enterprises::name))
        .limit(2)
        .load(conn)
        .await?;
    for ((credit_code, name), account) in companies.into_iter().zip([&ENTERPRISE, &PENDING_ENTERPRISE]) {
        let form = EnterpriseRegistration {
            township_id,
            credit_code,
            enterprise_name: name,
            contact_name: account.name.into(),
            phone: account.username.into(),
            password: DEMO_PASSWORD.into(),
            password_confirm: DEMO_PASSWORD.into(),
        };
        let user_id = register::register_enterprise(conn, &form).await.map_err(fail)?;
        if account.username == ENTERPRISE.username {
            // One enterprise comes already approved; the other waits for the staff's review.
            diesel::update(users_table::table.find(user_id))
                .set(users_table::status.eq("active"))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

pub fn print_table() {
    println!("  Demo accounts (password for all: {DEMO_PASSWORD})");
    for account in shared::accounts::demo_accounts::all() {
        println!("    {:<12} {:<4} {}", account.username, account.name, account.note);
    }
    println!();
}

//! The townships of the deployment (a county hosts several): the base-data module's own
//! answer to "which townships are there", so other modules never read its table.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::TownshipOption;
use crate::error::AppError;
use crate::schema::townships;

/// Every township, in the order of their codes: what one registers in.
pub async fn all(conn: &mut AsyncPgConnection) -> Result<Vec<TownshipOption>, AppError> {
    let rows: Vec<(i32, String)> =
        townships::table.order(townships::code).select((townships::id, townships::name)).load(conn).await?;
    Ok(rows.into_iter().map(|(id, name)| TownshipOption { id, name }).collect())
}

//! A record's place: the village or grid its form names, as the register's [`Place`] asks,
//! checked to exist in the record's township, to belong together, and to lie within the
//! user's data scope (a record the user could not see afterwards is refused before it is
//! written).

use diesel::sql_types::Integer;
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::SessionUser;
use crate::basedata::service::places_belong;
use crate::engine::declare::{Place, Register};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::permissions::DataScope;
use crate::scope::ScopeFilter;
use crate::sql::Sql;

/// Where a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Located {
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
}

/// The place of a record of `register` in `township` from what a form names, or the
/// problems with it (field `village_id` or `grid_id`). A place the register does not ask
/// for is not stored.
pub(super) async fn locate(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    township: i32,
    village_id: Option<i32>,
    grid_id: Option<i32>,
) -> Result<Result<Located, Vec<FieldError>>, AppError> {
    let scope = ScopeFilter::for_user(user);
    // A user who sees only their own records sees them wherever they are in the township.
    let own_only = user.scope == DataScope::SelfOnly;
    let outside = |field: &str| Ok(Err(vec![FieldError::new(field, ErrorCode::RecordPlaceOutside)]));
    match register.place {
        Place::Township => {
            // A village or grid worker would not see a record of the whole township.
            if !own_only && (scope.village_id.is_some() || scope.grid_id.is_some()) {
                return Err(AppError::Forbidden);
            }
            Ok(Ok(Located::default()))
        }
        Place::Village => {
            let Some(village) = village_id else {
                return Ok(Err(vec![FieldError::new("village_id", ErrorCode::Required)]));
            };
            let (village_ok, _) = places_belong(conn, township, Some(village), None).await?;
            if !village_ok {
                return Ok(Err(vec![FieldError::new("village_id", ErrorCode::FieldNotAReference)]));
            }
            let in_scope = own_only || (scope.village_id.is_none_or(|mine| mine == village) && scope.grid_id.is_none());
            if !in_scope {
                return outside("village_id");
            }
            Ok(Ok(Located { village_id: Some(village), grid_id: None }))
        }
        Place::Grid => {
            let Some(grid) = grid_id else {
                return Ok(Err(vec![FieldError::new("grid_id", ErrorCode::Required)]));
            };
            let (village_ok, grid_ok) = places_belong(conn, township, village_id, Some(grid)).await?;
            if !village_ok {
                return Ok(Err(vec![FieldError::new("village_id", ErrorCode::FieldNotAReference)]));
            }
            if !grid_ok {
                let code = if village_id.is_some() {
                    ErrorCode::RoutingGridOutsideVillage
                } else {
                    ErrorCode::FieldNotAReference
                };
                return Ok(Err(vec![FieldError::new("grid_id", code)]));
            }
            // The village follows from the grid.
            let Some(village) = village_of(conn, grid).await? else {
                return Ok(Err(vec![FieldError::new("grid_id", ErrorCode::FieldNotAReference)]));
            };
            let in_scope = own_only
                || (scope.village_id.is_none_or(|mine| mine == village)
                    && scope.grid_id.is_none_or(|mine| mine == grid));
            if !in_scope {
                return outside("grid_id");
            }
            Ok(Ok(Located { village_id: Some(village), grid_id: Some(grid) }))
        }
    }
}

async fn village_of(conn: &mut AsyncPgConnection, grid: i32) -> Result<Option<i32>, AppError> {
    #[derive(QueryableByName)]
    struct Village {
        #[diesel(sql_type = Integer)]
        village_id: i32,
    }
    let found: Option<Village> =
        Sql::new("SELECT village_id FROM grids WHERE id = ").bind(grid).query().get_result(conn).await.optional()?;
    Ok(found.map(|found| found.village_id))
}

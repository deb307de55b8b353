//! A record's place: the village or grid its form names, as the register's [`Place`] asks,
//! checked to exist in the record's township, to belong together, and to lie within the
//! user's data scope (a record the user could not see afterwards is refused before it is
//! written).

use diesel_async::AsyncPgConnection;

use crate::accounts::SessionUser;
use crate::basedata::service::{grids_of_township, villages_of_township};
use crate::engine::declare::{Place, Register};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::permissions::DataScope;
use crate::scope::ScopeFilter;

/// Where a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Located {
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
}

/// The villages and grids of a township, as a place is checked against them (and an import
/// finds them by name).
#[derive(Debug, Default)]
pub(super) struct Places {
    /// (id, name) of each village.
    pub villages: Vec<(i32, String)>,
    /// (id, village id, name) of each grid.
    pub grids: Vec<(i32, i32, String)>,
}

impl Places {
    /// Every village and grid of `township` (a few dozen rows: two small queries, through
    /// the base data's service).
    pub(super) async fn of_township(conn: &mut AsyncPgConnection, township: i32) -> Result<Places, AppError> {
        let villages = villages_of_township(conn, township).await?.into_iter().map(|v| (v.id, v.name)).collect();
        let grids = grids_of_township(conn, township).await?;
        Ok(Places { villages, grids })
    }

    fn has_village(&self, id: i32) -> bool {
        self.villages.iter().any(|(village, _)| *village == id)
    }

    /// The village of a grid of the township.
    fn village_of(&self, grid: i32) -> Option<i32> {
        self.grids.iter().find(|(id, _, _)| *id == grid).map(|(_, village, _)| *village)
    }
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
    if register.place == Place::Township {
        return check_place(user, register, &Places::default(), village_id, grid_id);
    }
    let places = Places::of_township(conn, township).await?;
    check_place(user, register, &places, village_id, grid_id)
}

/// [`locate`] against places already read: a form's one place, or each row of an import.
/// Refuses a place the register asks for that is missing, not of the township, not
/// belonging together, or outside the user's data scope (a record the user could not see
/// afterwards is refused before it is written).
pub(super) fn check_place(
    user: &SessionUser,
    register: &Register,
    places: &Places,
    village_id: Option<i32>,
    grid_id: Option<i32>,
) -> Result<Result<Located, Vec<FieldError>>, AppError> {
    let scope = ScopeFilter::for_user(user);
    // A user who sees only their own records sees them wherever they are in the township.
    let own_only = user.scope == DataScope::SelfOnly;
    let refused = |field: &str, code: ErrorCode| Ok(Err(vec![FieldError::new(field, code)]));
    match register.place {
        Place::Township => {
            // A village or grid worker would not see a record of the whole township.
            if !own_only && (scope.village_id.is_some() || scope.grid_id.is_some()) {
                return Err(AppError::Forbidden);
            }
            Ok(Ok(Located::default()))
        }
        Place::Village => {
            let Some(village) = village_id else { return refused("village_id", ErrorCode::Required) };
            if !places.has_village(village) {
                return refused("village_id", ErrorCode::FieldNotAReference);
            }
            let in_scope = own_only || (scope.village_id.is_none_or(|mine| mine == village) && scope.grid_id.is_none());
            if !in_scope {
                return refused("village_id", ErrorCode::RecordPlaceOutside);
            }
            Ok(Ok(Located { village_id: Some(village), grid_id: None }))
        }
        Place::Grid => {
            let Some(grid) = grid_id else { return refused("grid_id", ErrorCode::Required) };
            if village_id.is_some_and(|village| !places.has_village(village)) {
                return refused("village_id", ErrorCode::FieldNotAReference);
            }
            // The village follows from the grid.
            let village = match (places.village_of(grid), village_id) {
                (Some(village), named) if named.is_none_or(|named| named == village) => village,
                (_, Some(_)) => return refused("grid_id", ErrorCode::RoutingGridOutsideVillage),
                (_, None) => return refused("grid_id", ErrorCode::FieldNotAReference),
            };
            let in_scope = own_only
                || (scope.village_id.is_none_or(|mine| mine == village)
                    && scope.grid_id.is_none_or(|mine| mine == grid));
            if !in_scope {
                return refused("grid_id", ErrorCode::RecordPlaceOutside);
            }
            Ok(Ok(Located { village_id: Some(village), grid_id: Some(grid) }))
        }
    }
}

//! Turns a user's data scope into the filter every base-data query applies.

use crate::accounts::SessionUser;
use crate::permissions::DataScope;

/// `None` means "no restriction on this level". A scope that cannot be satisfied (a grid
/// worker without a grid) restricts to an id that never exists, so it sees nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeFilter {
    pub township_id: Option<i32>,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
}

const NOTHING: i32 = -1;

impl ScopeFilter {
    pub fn for_user(user: &SessionUser) -> Self {
        let town = Some(user.township_id);
        match user.scope {
            DataScope::County => Self { township_id: None, village_id: None, grid_id: None },
            DataScope::Township => Self { township_id: town, village_id: None, grid_id: None },
            DataScope::Village => {
                Self { township_id: town, village_id: Some(user.village_id.unwrap_or(NOTHING)), grid_id: None }
            }
            DataScope::Grid => {
                Self { township_id: town, village_id: None, grid_id: Some(user.grid_id.unwrap_or(NOTHING)) }
            }
            DataScope::SelfOnly => Self { township_id: town, village_id: Some(NOTHING), grid_id: Some(NOTHING) },
        }
    }

    /// The SQL condition for a table with township_id, village_id and grid_id columns
    /// (ids are integers from our own session, so formatting them in is safe).
    pub fn sql(&self, alias: &str) -> String {
        let mut parts = vec!["TRUE".to_owned()];
        if let Some(id) = self.township_id {
            parts.push(format!("{alias}.township_id = {id}"));
        }
        if let Some(id) = self.village_id {
            parts.push(format!("{alias}.village_id = {id}"));
        }
        if let Some(id) = self.grid_id {
            parts.push(format!("{alias}.grid_id = {id}"));
        }
        parts.join(" AND ")
    }
}

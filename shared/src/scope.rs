//! The data scope (R-8.7.2, R-9.3.2): which rows a user may see, as one typed predicate that
//! every module's list, detail, export, statistic and map query applies.
//!
//! A role carries one [`DataScope`]; [`ScopeFilter::for_user`] turns it into the places the
//! user may see, and the condition methods turn those into bound SQL ([`Sql`]) for a table
//! that carries `township_id`, `village_id` and `grid_id` (every register does), or for the
//! villages and grids themselves.

use crate::accounts::SessionUser;
use crate::permissions::DataScope;
#[cfg(feature = "ssr")]
use crate::sql::Sql;

/// `None` means "no restriction on this level". A scope that cannot be satisfied (a grid
/// worker without a grid) restricts to an id that never exists, so it sees nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeFilter {
    pub township_id: Option<i32>,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
}

/// An id no row has (ids are serials from 1).
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
}

#[cfg(feature = "ssr")]
impl ScopeFilter {
    /// The condition on a table (alias `alias`) with `township_id`, `village_id` and
    /// `grid_id` columns.
    pub fn rows(&self, alias: &'static str) -> Sql {
        let mut conditions = Vec::new();
        if let Some(id) = self.township_id {
            conditions.push(Sql::new(alias).push(".township_id = ").bind(id));
        }
        if let Some(id) = self.village_id {
            conditions.push(Sql::new(alias).push(".village_id = ").bind(id));
        }
        if let Some(id) = self.grid_id {
            conditions.push(Sql::new(alias).push(".grid_id = ").bind(id));
        }
        Sql::all(conditions)
    }

    /// The condition on the `villages` table (alias `alias`): the villages the user's
    /// scope reaches (a grid worker's: the village of their grid).
    pub fn villages(&self, alias: &'static str) -> Sql {
        match (self.township_id, self.village_id, self.grid_id) {
            (_, _, Some(grid)) => {
                Sql::new(alias).push(".id IN (SELECT village_id FROM grids WHERE id = ").bind(grid).push(")")
            }
            (_, Some(village), None) => Sql::new(alias).push(".id = ").bind(village),
            (Some(town), None, None) => Sql::new(alias).push(".township_id = ").bind(town),
            (None, None, None) => Sql::always(),
        }
    }

    /// The condition on the `grids` table (alias `alias`).
    pub fn grids(&self, alias: &'static str) -> Sql {
        match self.grid_id {
            Some(grid) => Sql::new(alias).push(".id = ").bind(grid),
            None => ScopeFilter { grid_id: None, ..*self }.rows(alias),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn each_level_binds_its_id() {
        let scope = ScopeFilter { township_id: Some(1), village_id: Some(7), grid_id: None };
        let (text, _) = scope.rows("r").render();
        assert_eq!(text, "(r.township_id = $1) AND (r.village_id = $2)");
        assert_eq!(ScopeFilter { township_id: None, village_id: None, grid_id: None }.rows("e").render().0, "TRUE");
        let grid = ScopeFilter { township_id: Some(1), village_id: None, grid_id: Some(9) };
        assert_eq!(grid.villages("v").render().0, "v.id IN (SELECT village_id FROM grids WHERE id = $1)");
        assert_eq!(grid.grids("g").render().0, "g.id = $1");
    }
}

//! What an import's cells name, looked up for the whole file at once (a query per column,
//! never per row): the records, base data and users a reference or user column names, by
//! id or by name, among what the user may pick (the same sources as a form's check,
//! [`reference_source`]); the places a place column names; and the unique values already
//! taken in the township.

use std::collections::{HashMap, HashSet};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::super::place::Places;
use super::super::table;
use super::super::write::reference_source;
use crate::accounts::SessionUser;
use crate::engine::declare::{Field, Kind, Register};
use crate::error::{AppError, ErrorCode};
use crate::sql::Sql;

/// Splits a cell naming several things (users, codes): by commas (either width), the
/// enumeration comma of an export, or semicolons.
pub(super) fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ';', '；']).map(str::trim).filter(|piece| !piece.is_empty())
}

/// The ids and names of what one column may name.
#[derive(Debug, Default)]
struct Known {
    ids: HashSet<i64>,
    /// name → the ids of every row of that name (two: ambiguous).
    names: HashMap<String, Vec<i64>>,
}

/// What each reference or user column of a file names.
#[derive(Debug, Default)]
pub(super) struct References {
    by_field: HashMap<&'static str, Known>,
}

impl References {
    /// Looks up every id and name the cells of each column give (a field with its cells).
    pub(super) async fn load(
        conn: &mut AsyncPgConnection,
        user: &SessionUser,
        register: &'static Register,
        columns: Vec<(&'static Field, Vec<&str>)>,
    ) -> Result<References, AppError> {
        let mut references = References::default();
        for (field, cells) in columns {
            let Some(source) = reference_source(user, register, field)? else { continue };
            let mut ids: Vec<i64> = Vec::new();
            let mut names: Vec<String> = Vec::new();
            for cell in cells {
                for piece in pieces(cell) {
                    match piece.parse::<i64>() {
                        Ok(id) => ids.push(id),
                        Err(_) => names.push(piece.to_owned()),
                    }
                }
            }
            ids.sort_unstable();
            ids.dedup();
            names.sort_unstable();
            names.dedup();
            // A user is named by their name or their account.
            let alias = if matches!(field.kind, Kind::User | Kind::Users) { "t.username" } else { "NULL::text" };
            #[derive(QueryableByName)]
            struct Row {
                #[diesel(sql_type = BigInt)]
                id: i64,
                #[diesel(sql_type = Nullable<Text>)]
                name: Option<String>,
                #[diesel(sql_type = Nullable<Text>)]
                alias: Option<String>,
            }
            let mut matching = Sql::new("t.id = ANY (").bind(ids).push(") OR t.").push(source.name);
            matching = matching.push("::text = ANY (").bind(names.clone()).push(")");
            if alias != "NULL::text" {
                matching = matching.push(" OR t.username = ANY (").bind(names).push(")");
            }
            let rows: Vec<Row> = Sql::new("SELECT t.id, t.")
                .push(source.name)
                .push("::text AS name, ")
                .push(alias)
                .push(" AS alias ")
                .append(source.from)
                .push(" AND (")
                .append(matching)
                .push(")")
                .query()
                .load(conn)
                .await?;
            let mut known = Known::default();
            for row in rows {
                known.ids.insert(row.id);
                for name in [row.name, row.alias].into_iter().flatten() {
                    let ids = known.names.entry(name).or_default();
                    if !ids.contains(&row.id) {
                        ids.push(row.id);
                    }
                }
            }
            references.by_field.insert(field.name, known);
        }
        Ok(references)
    }

    /// The id a cell's text names: an id the user may pick, else the one row of that name.
    pub(super) fn id(&self, field: &Field, text: &str) -> Result<i64, ErrorCode> {
        let Some(known) = self.by_field.get(field.name) else { return Err(ErrorCode::FieldNotAReference) };
        if let Ok(id) = text.parse::<i64>()
            && known.ids.contains(&id)
        {
            return Ok(id);
        }
        match known.names.get(text).map(Vec::as_slice) {
            Some([id]) => Ok(*id),
            Some([_, _, ..]) => Err(ErrorCode::ImportAmbiguous),
            _ => Err(ErrorCode::FieldNotAReference),
        }
    }
}

impl Places {
    /// The village a cell names, by id or name (checked against the township and the
    /// user's scope afterwards, as a form's).
    pub(super) fn village_named(&self, text: &str) -> Result<i32, ErrorCode> {
        if let Ok(id) = text.parse::<i32>() {
            return Ok(id);
        }
        one(self.villages.iter().filter(|(_, name)| name == text).map(|(id, _)| *id))
    }

    /// The grid a cell names, by id or name (within the village, when one is named).
    pub(super) fn grid_named(&self, text: &str, village: Option<i32>) -> Result<i32, ErrorCode> {
        if let Ok(id) = text.parse::<i32>() {
            return Ok(id);
        }
        one(self
            .grids
            .iter()
            .filter(|(_, of, name)| name == text && village.is_none_or(|village| village == *of))
            .map(|(id, _, _)| *id))
    }
}

fn one(mut ids: impl Iterator<Item = i32>) -> Result<i32, ErrorCode> {
    match (ids.next(), ids.next()) {
        (Some(id), None) => Ok(id),
        (Some(_), Some(_)) => Err(ErrorCode::ImportAmbiguous),
        (None, _) => Err(ErrorCode::FieldNotAReference),
    }
}

/// Which of `values` (as text) another live record of the township already has in the
/// unique `field`.
pub(super) async fn taken(
    conn: &mut AsyncPgConnection,
    register: &Register,
    township: i32,
    field: &Field,
    values: Vec<String>,
) -> Result<HashSet<String>, AppError> {
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = Text)]
        value: String,
    }
    if values.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<Taken> = Sql::new("SELECT r.")
        .push(field.name)
        .push("::text AS value FROM ")
        .append(table(register))
        .push(" r WHERE r.township_id = ")
        .bind(township)
        .push(" AND r.deleted_at IS NULL AND r.")
        .push(field.name)
        .push("::text = ANY (")
        .bind(values)
        .push(")")
        .query()
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_of_several_splits_on_any_comma() {
        assert_eq!(pieces("张三、李四，王五, 赵六;;").collect::<Vec<_>>(), vec!["张三", "李四", "王五", "赵六"]);
    }

    #[test]
    fn places_are_named_by_id_or_unambiguous_name() {
        let places = Places {
            villages: vec![(1, "东村".into()), (2, "西村".into())],
            grids: vec![(10, 1, "一格".into()), (20, 2, "一格".into()), (21, 2, "二格".into())],
        };
        assert_eq!(places.village_named("西村"), Ok(2));
        assert_eq!(places.village_named("7"), Ok(7));
        assert_eq!(places.village_named("南村"), Err(ErrorCode::FieldNotAReference));
        assert_eq!(places.grid_named("一格", None), Err(ErrorCode::ImportAmbiguous));
        assert_eq!(places.grid_named("一格", Some(2)), Ok(20));
        assert_eq!(places.grid_named("二格", None), Ok(21));
    }
}

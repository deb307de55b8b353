//! The events module's catalogue tables (categories, departments, the working calendar) as
//! its services read and write them, checked against `schema.rs` at compile time.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::events::types::{Category, Department};
use crate::schema::{departments, event_categories, work_calendar};

/// A category as stored (its `sort` only orders the query).
#[derive(Queryable, Selectable)]
#[diesel(table_name = event_categories, check_for_backend(diesel::pg::Pg))]
pub struct StoredCategory {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub hours_normal: i32,
    pub hours_urgent: i32,
    pub hours_critical: i32,
}

impl From<StoredCategory> for Category {
    fn from(c: StoredCategory) -> Self {
        Category {
            id: c.id,
            parent_id: c.parent_id,
            code: c.code,
            name: c.name,
            active: c.active,
            hours_normal: c.hours_normal,
            hours_urgent: c.hours_urgent,
            hours_critical: c.hours_critical,
        }
    }
}

/// What staff edit of a category: written on creation and on every save.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = event_categories, check_for_backend(diesel::pg::Pg))]
pub struct CategorySettings<'a> {
    pub name: &'a str,
    pub active: bool,
    pub hours_normal: i32,
    pub hours_urgent: i32,
    pub hours_critical: i32,
}

/// A new category: its place in the tree, which never changes after, and its settings.
#[derive(Insertable)]
#[diesel(table_name = event_categories, check_for_backend(diesel::pg::Pg))]
pub struct NewCategory<'a> {
    pub parent_id: Option<i32>,
    pub code: &'a str,
    pub sort: i32,
    #[diesel(embed)]
    pub settings: CategorySettings<'a>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = departments, check_for_backend(diesel::pg::Pg))]
pub struct StoredDepartment {
    pub id: i32,
    pub code: String,
    pub name: String,
}

impl From<StoredDepartment> for Department {
    fn from(d: StoredDepartment) -> Self {
        Department { id: d.id, code: d.code, name: d.name }
    }
}

/// One day of the working calendar as stored; `kind` is `DayKind`'s text form.
#[derive(Queryable, Selectable)]
#[diesel(table_name = work_calendar, check_for_backend(diesel::pg::Pg))]
pub struct StoredDay {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
}

/// One day to write. As a changeset it leaves the day (the key) alone.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = work_calendar, primary_key(day), check_for_backend(diesel::pg::Pg))]
pub struct DayEntry<'a> {
    pub day: NaiveDate,
    pub kind: &'a str,
    pub name: &'a str,
}

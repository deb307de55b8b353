//! Attachments: files kept in the object store (today the photos of reports and steps), whose
//! keys and sizes the `attachments` table holds. This module owns that table; uploads, the
//! photo endpoint and the events services go through `service`.

/// Where the browser fetches attachment `id` (the server's photo endpoint checks who may).
pub fn photo_url(id: i64) -> String {
    format!("/api/photos/{id}")
}

#[cfg(feature = "ssr")]
pub mod service;

/// An upload, stored and not yet part of an event.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ssr", derive(diesel::Insertable), diesel(table_name = crate::schema::attachments))]
pub struct NewAttachment<'a> {
    pub township_id: i32,
    pub uploader_id: i64,
    pub storage_key: &'a str,
    pub content_type: &'a str,
    pub bytes: i32,
    pub width: i32,
    pub height: i32,
}

/// A photo of an event, and the step it came with (`None`: with the report itself).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "ssr",
    derive(diesel::Queryable, diesel::Selectable),
    diesel(table_name = crate::schema::attachments, check_for_backend(diesel::pg::Pg))
)]
pub struct EventPhoto {
    pub id: i64,
    pub step_id: Option<i64>,
    pub width: i32,
    pub height: i32,
}

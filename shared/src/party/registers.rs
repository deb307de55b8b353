//! 党组织 and 党员: the organisation tree and its members.

use super::codes::*;
use crate::codes::{id_number, mobile};
use crate::engine::declare::fields::*;
use crate::engine::declare::{MapLayer, Place, Register, Sort, Target};

/// 党组织: the tree of 党委 / 党总支 / 党支部 / 党小组, with its secretary, committee and term
/// (the size and term rules are `rules::organisation_warnings` and `rules::term_reminder`).
pub static ORGANISATIONS: Register = Register {
    fields: &[
        text("name", 60).required().unique(),
        choice("kind", &ORGANISATION_KIND).required(),
        reference("parent", Target::Register("party.organisations")),
        text("secretary", 20),
        text("deputy_secretary", 20),
        text("committee", 200),
        integer("committee_size", 0, 15),
        date("term_start"),
        date("term_end"),
        point("location"),
    ],
    list: &["name", "kind", "secretary", "term_end"],
    filters: &["kind", "parent"],
    sort: Sort::asc("name"),
    place: Place::Village,
    owner_department: "dept.party_office",
    map: Some(MapLayer { geometry: "location", label: "name", cluster: false }),
    ..Register::new("party", "organisations", "party_organisations")
};

/// 党员: members and probationary members.
pub static MEMBERS: Register = Register {
    fields: &[
        text("name", 20).required().personal(),
        choice("gender", &GENDER).required(),
        text("id_number", 18).required().unique().check(id_number::validate).personal(),
        text("mobile", 11).check(mobile::validate).personal(),
        choice("political_status", &POLITICAL_STATUS).required(),
        reference("organisation", Target::Register("party.organisations")).required(),
        date("joined_on").required(),
        date("full_on"),
        boolean("floating"),
        choice("dues_basis", &DUES_BASIS).required(),
        money("monthly_income").personal(),
        reference("resident", Target::Resident),
    ],
    list: &["name", "political_status", "organisation", "joined_on", "floating"],
    filters: &["political_status", "organisation", "floating", "dues_basis"],
    sort: Sort::desc("joined_on"),
    place: Place::Grid,
    owner_department: "dept.party_office",
    ..Register::new("party", "members", "party_members")
};

//! 组织生活 (三会一课, 主题党日) with attendance, 党费, and 学习培训.

use super::codes::*;
use crate::engine::declare::fields::*;
use crate::engine::declare::{Counter, Measure, Place, Register, Sort, Target, UpdateFrequency};

/// 组织生活: one meeting of a branch or group (compliance: `rules::meeting_shortfalls`).
pub static MEETINGS: Register = Register {
    fields: &[
        text("topic", 60).required(),
        choice("kind", &MEETING_KIND).required(),
        reference("organisation", Target::Register("party.organisations")).required(),
        date("held_on").required(),
        text("venue", 60),
        text("host", 20),
        long_text("agenda"),
        long_text("minutes"),
        photos("photos"),
    ],
    list: &["held_on", "kind", "organisation", "topic"],
    filters: &["kind", "organisation", "held_on"],
    sort: Sort::desc("held_on"),
    place: Place::Village,
    owner_department: "dept.party_office",
    counters: &[
        Counter { name: "meetings", measure: Measure::Count },
        Counter { name: "theme_days", measure: Measure::CountWhere { field: "kind", value: "theme_day" } },
    ],
    ..Register::new("party", "meetings", "party_meetings")
};

/// 参会情况: who of the members came to a meeting, and why the others did not.
pub static MEETING_ATTENDANCE: Register = Register {
    fields: &[
        reference("member", Target::Register("party.members")).required(),
        boolean("present").required(),
        text("absence_reason", 60),
    ],
    list: &["member", "present", "absence_reason"],
    filters: &["present"],
    sort: Sort::asc("id"),
    place: Place::Village,
    owner_department: "dept.party_office",
    parent: Some("party.meetings"),
    ..Register::new("party", "meeting_attendance", "party_meeting_attendance")
};

/// 党费: one month's dues of one member; unpaid while `paid_on` is empty (the amount is
/// `rules::monthly_dues` of the base).
pub static DUES: Register = Register {
    fields: &[
        reference("member", Target::Register("party.members")).required(),
        date("month").required(),
        money("base"),
        decimal("rate", 1),
        money("amount").required(),
        date("paid_on"),
    ],
    list: &["month", "member", "amount", "paid_on"],
    filters: &["member", "month", "paid_on"],
    sort: Sort::desc("month"),
    place: Place::Village,
    owner_department: "dept.party_office",
    update_frequency: UpdateFrequency::Monthly,
    counters: &[Counter { name: "amount", measure: Measure::Sum("amount") }],
    ..Register::new("party", "dues", "party_dues")
};

/// 学习培训: a session of study or training and who took part.
pub static STUDIES: Register = Register {
    fields: &[
        text("title", 60).required(),
        choice("kind", &STUDY_KIND).required(),
        reference("organisation", Target::Register("party.organisations")),
        date("held_on").required(),
        decimal("hours", 1),
        integer("participants", 0, 10_000),
        text("lecturer", 20),
        long_text("content"),
        photos("photos"),
    ],
    list: &["held_on", "title", "kind", "organisation", "participants"],
    filters: &["kind", "organisation", "held_on"],
    sort: Sort::desc("held_on"),
    place: Place::Village,
    owner_department: "dept.party_office",
    counters: &[Counter { name: "sessions", measure: Measure::Count }],
    ..Register::new("party", "studies", "party_studies")
};

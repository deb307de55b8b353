//! 新时代文明实践: the township's 实践所 and the villages' 实践站 (Suzhou's 海棠花红 先锋阵地),
//! and the services residents order from them.

use super::codes::*;
use crate::codes::mobile;
use crate::engine::declare::fields::*;
use crate::engine::declare::{
    Counter, MapLayer, Measure, Place, Register, Sort, State, Target, Transition, UpdateFrequency, Workflow,
};

/// 新时代文明实践所/站.
pub static STATIONS: Register = Register {
    fields: &[
        text("name", 60).required().unique(),
        choice("level", &STATION_LEVEL).required(),
        boolean("pioneer_post"),
        text("address", 100),
        text("manager", 20).personal(),
        text("phone", 11).check(mobile::validate).personal(),
        date("opened_on"),
        point("location").required(),
    ],
    list: &["name", "level", "manager", "phone"],
    filters: &["level", "pioneer_post"],
    sort: Sort::asc("name"),
    place: Place::Village,
    owner_department: "dept.civilisation_office",
    update_frequency: UpdateFrequency::Monthly,
    sharing: crate::engine::declare::Sharing::Open,
    map: Some(MapLayer { geometry: "location", label: "name", cluster: true }),
    counters: &[
        Counter { name: "institutes", measure: Measure::CountWhere { field: "level", value: "institute" } },
        Counter { name: "stations", measure: Measure::CountWhere { field: "level", value: "station" } },
    ],
    ..Register::new("party", "stations", "party_stations")
};

/// 点单 → 派单 → 接单 → 评单.
pub static SERVICE: Workflow = Workflow {
    initial: "ordered",
    states: &[
        State::new("ordered").within(2),
        State::new("dispatched").within(3),
        State::new("accepted"),
        State::new("rated").terminal(),
        State::new("cancelled").terminal(),
    ],
    transitions: &[
        Transition::new("dispatch", &["ordered"], "dispatched"),
        Transition::new("accept", &["dispatched"], "accepted"),
        Transition::new("rate", &["accepted"], "rated"),
        Transition::new("cancel", &["ordered", "dispatched"], "cancelled").with_reason(),
    ],
};

/// 群众点单: a resident's order of a volunteer service, and the volunteer's hours.
pub static SERVICE_ORDERS: Register = Register {
    fields: &[
        reference("station", Target::Register("party.stations")).required(),
        choice("service", &SERVICE_KIND).required(),
        reference("resident", Target::Resident),
        text("requester", 20).required().personal(),
        text("phone", 11).check(mobile::validate).personal(),
        long_text("request").required(),
        date("ordered_on").required(),
        text("volunteer", 20).personal(),
        decimal("hours", 1),
        integer("rating", 1, 5),
        text("comment", 200),
    ],
    list: &["ordered_on", "station", "service", "requester", "volunteer", "hours"],
    filters: &["station", "service", "ordered_on"],
    sort: Sort::desc("ordered_on"),
    place: Place::Grid,
    owner_department: "dept.civilisation_office",
    workflow: Some(&SERVICE),
    counters: &[
        Counter { name: "orders", measure: Measure::Count },
        Counter { name: "hours", measure: Measure::Sum("hours") },
    ],
    ..Register::new("party", "service_orders", "party_service_orders")
};

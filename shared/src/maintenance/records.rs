//! 巡检记录 (9.4.1), 故障报告 (9.4.2), 应急预案 and 演练记录 (9.4.3).

use super::codes::*;
use crate::engine::declare::fields::*;
use crate::engine::declare::{
    Counter, Domain, Measure, NamingSeries, Register, Sharing, Sort, State, Target, Transition, UpdateFrequency,
    Workflow,
};

/// 巡检: one check of one part of the platform, by whom, and what it found; an abnormality
/// not put right on the spot names the fault it was reported as.
pub static INSPECTIONS: Register = Register {
    fields: &[
        datetime("inspected_at").required(),
        choice("object", &OPS_OBJECT).required(),
        text("items", 100).required(),
        user("inspector").required(),
        choice("result", &INSPECTION_RESULT).required(),
        long_text("findings"),
        reference("fault", Target::Register("maintenance.faults")),
        photos("photos"),
    ],
    list: &["inspected_at", "object", "items", "inspector", "result"],
    filters: &["object", "result", "inspector", "inspected_at"],
    sort: Sort::desc("inspected_at"),
    owner_department: "dept.maintenance",
    sharing: Sharing::None,
    counters: &[Counter {
        name: "fault_reported",
        measure: Measure::CountWhere { field: "result", value: "fault_reported" },
    }],
    domain: Domain::Operations,
    ..Register::new("maintenance", "inspections", "maintenance_inspections")
};

/// 上报 → 受理处置 → 解决 → 确认关闭; a fault not put right goes back to its handling.
pub static FAULT_FLOW: Workflow = Workflow {
    initial: "reported",
    states: &[
        State::new("reported").within(1),
        State::new("handling").within(3),
        State::new("resolved").within(2),
        State::new("closed").terminal(),
    ],
    transitions: &[
        Transition::new("accept", &["reported"], "handling"),
        Transition::new("resolve", &["handling"], "resolved"),
        Transition::new("close", &["resolved"], "closed"),
        Transition::new("reopen", &["resolved"], "handling").with_reason(),
    ],
};

/// 故障报告: a fault of the platform, reported at once (9.4.2 及时上报), handled with the
/// departments concerned, its cause and resolution recorded.
pub static FAULTS: Register = Register {
    fields: &[
        text("title", 60).required(),
        choice("object", &OPS_OBJECT).required(),
        choice("level", &FAULT_LEVEL).required(),
        datetime("found_at").required(),
        user("reporter").required(),
        long_text("description").required(),
        text("impact", 100),
        user("handler"),
        text("departments", 100),
        long_text("cause"),
        long_text("resolution"),
        datetime("resolved_at"),
        files("files"),
    ],
    list: &["number", "found_at", "title", "object", "level", "state"],
    filters: &["state", "object", "level", "handler", "found_at"],
    sort: Sort::desc("found_at"),
    owner_department: "dept.maintenance",
    sharing: Sharing::None,
    naming: Some(NamingSeries { prefix: "运维故障", suffix: "号", on_state: None }),
    workflow: Some(&FAULT_FLOW),
    counters: &[
        Counter { name: "reported", measure: Measure::CountInState("reported") },
        Counter { name: "handling", measure: Measure::CountInState("handling") },
    ],
    domain: Domain::Operations,
    ..Register::new("maintenance", "faults", "maintenance_faults")
};

/// 应急预案: what to do when the system, the network or a disaster fails the platform.
pub static PLANS: Register = Register {
    fields: &[
        text("title", 60).required().unique(),
        choice("kind", &PLAN_KIND).required(),
        text("revision", 10).required(),
        choice("status", &PLAN_STATUS).required(),
        text("department", 40),
        date("approved_on"),
        date("next_drill_by"),
        text("scope", 100),
        long_text("measures"),
        files("files"),
    ],
    list: &["title", "kind", "revision", "status", "approved_on", "next_drill_by"],
    filters: &["kind", "status", "next_drill_by"],
    sort: Sort::asc("title"),
    owner_department: "dept.maintenance",
    update_frequency: UpdateFrequency::Yearly,
    sharing: Sharing::None,
    domain: Domain::Operations,
    ..Register::new("maintenance", "plans", "maintenance_plans")
};

/// 计划 → 实施 → 评估总结 (the phases of GB/T 38645—2020), or called off.
pub static DRILL_FLOW: Workflow = Workflow {
    initial: "planned",
    states: &[
        State::new("planned"),
        State::new("carried_out").within(10),
        State::new("evaluated").terminal(),
        State::new("cancelled").terminal(),
    ],
    transitions: &[
        Transition::new("carry_out", &["planned"], "carried_out"),
        Transition::new("evaluate", &["carried_out"], "evaluated"),
        Transition::new("cancel", &["planned"], "cancelled").with_reason(),
    ],
};

/// 演练记录: one drill of one plan, and what it taught.
pub static DRILLS: Register = Register {
    fields: &[
        reference("plan", Target::Register("maintenance.plans")).required(),
        text("title", 60).required(),
        date("drilled_on").required(),
        choice("form", &DRILL_FORM).required(),
        choice("scope", &DRILL_SCOPE).required(),
        text("participants", 100),
        long_text("scenario").required(),
        choice("result", &DRILL_RESULT),
        long_text("findings"),
        long_text("improvements"),
        files("files"),
    ],
    list: &["drilled_on", "title", "plan", "form", "state", "result"],
    filters: &["state", "plan", "form", "scope", "result", "drilled_on"],
    sort: Sort::desc("drilled_on"),
    owner_department: "dept.maintenance",
    update_frequency: UpdateFrequency::Monthly,
    sharing: Sharing::None,
    workflow: Some(&DRILL_FLOW),
    counters: &[Counter { name: "planned", measure: Measure::CountInState("planned") }],
    domain: Domain::Operations,
    ..Register::new("maintenance", "drills", "maintenance_drills")
};

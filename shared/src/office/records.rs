//! 档案管理 (archived items and their borrowing), 物品领用 (the supplies catalogue, its
//! requisitions and stock movements) and 印章管理 (seals and their use).

use super::codes::*;
use crate::engine::declare::fields::*;
use crate::engine::declare::{
    Approval, Counter, Measure, Register, Sharing, Sort, State, Tally, TallyWhen, Target, Transition, UpdateFrequency,
    Workflow,
};

/// 档案 (件): one archived item, filed from a closed document.
pub static ARCHIVES: Register = Register {
    fields: &[
        text("archive_code", 40).required().unique(),
        integer("year", 1949, 2100).required(),
        text("organisation", 40).required(),
        choice("retention", &RETENTION).required(),
        text("title", 100).required(),
        integer("item_number", 1, 99_999),
        integer("pages", 1, 9_999),
        reference("outgoing", Target::Register("office.outgoing")),
        reference("incoming", Target::Register("office.incoming")),
        date("filed_on"),
        text("shelf", 40),
        files("files"),
    ],
    list: &["archive_code", "title", "year", "retention"],
    filters: &["year", "retention"],
    sort: Sort::desc("archive_code"),
    sharing: Sharing::None,
    update_frequency: UpdateFrequency::Monthly,
    ..Register::new("office", "archives", "office_archives")
};

/// 借阅: an archived item lent, and when it must and did come back.
pub static BORROWINGS: Register = Register {
    fields: &[
        reference("archive", Target::Register("office.archives")).required(),
        text("borrower", 20).required().personal(),
        text("purpose", 100),
        date("borrowed_on").required(),
        date("due_on").required(),
        date("returned_on"),
    ],
    list: &["archive", "borrower", "borrowed_on", "due_on", "returned_on"],
    filters: &["borrowed_on", "returned_on"],
    sort: Sort::desc("borrowed_on"),
    sharing: Sharing::None,
    ..Register::new("office", "borrowings", "office_borrowings")
};

/// 物品: the supplies catalogue. `stock` is moved by stock movements and issued requisitions
/// (their tallies), never below zero.
pub static SUPPLIES: Register = Register {
    fields: &[
        text("name", 40).required().unique(),
        choice("category", &SUPPLY_CATEGORY).required(),
        text("specification", 40),
        text("unit", 6).required(),
        integer("stock", 0, 1_000_000).required(),
        integer("low_stock", 0, 1_000_000),
        text("location", 40),
    ],
    list: &["name", "category", "specification", "stock", "unit", "low_stock"],
    filters: &["category"],
    sort: Sort::asc("name"),
    counters: &[
        Counter { name: "items", measure: Measure::Count },
        Counter { name: "low_stock", measure: Measure::AtOrBelow { field: "stock", limit: "low_stock" } },
    ],
    ..Register::new("office", "supplies", "office_supplies")
};

/// 申领 → 审批 → 发放, or refused.
pub static REQUISITION_FLOW: Workflow = Workflow {
    initial: "applied",
    states: &[
        State::new("applied").within(2),
        State::new("approved").within(3),
        State::new("issued").terminal(),
        State::new("rejected").terminal(),
    ],
    transitions: &[
        Transition::new("approve", &["applied"], "approved").approval(Approval::Any { approvers: "approvers" }),
        Transition::new("issue", &["approved"], "issued"),
        Transition::new("reject", &["applied", "approved"], "rejected").with_reason(),
    ],
};

/// 物品领用: a request for supplies, approved by one of the named approvers (或签).
pub static REQUISITIONS: Register = Register {
    fields: &[
        reference("supply", Target::Register("office.supplies")).required(),
        integer("quantity", 1, 100_000).required(),
        text("department", 40).required(),
        text("purpose", 100),
        date("applied_on").required(),
        users("approvers").required(),
    ],
    list: &["applied_on", "supply", "quantity", "department"],
    filters: &["supply", "applied_on"],
    sort: Sort::desc("applied_on"),
    workflow: Some(&REQUISITION_FLOW),
    counters: &[Counter { name: "pending", measure: Measure::CountInState("applied") }],
    // Issuing takes the quantity out of stock, never below zero.
    tallies: &[Tally {
        target: "supply",
        total: "stock",
        quantity: "quantity",
        when: TallyWhen::EnteringDown { state: "issued" },
    }],
    ..Register::new("office", "requisitions", "office_requisitions")
};

/// 出入库: one movement of stock — a delivery in, a write-off out (an issued requisition
/// moves the stock itself; a movement may name it for the record).
pub static STOCK_MOVEMENTS: Register = Register {
    fields: &[
        reference("supply", Target::Register("office.supplies")).required(),
        choice("kind", &MOVEMENT_KIND).required(),
        integer("quantity", 1, 1_000_000).required(),
        date("moved_on").required(),
        reference("requisition", Target::Register("office.requisitions")),
        money("unit_price"),
        text("note", 100),
    ],
    list: &["moved_on", "supply", "kind", "quantity"],
    filters: &["supply", "kind", "moved_on"],
    sort: Sort::desc("moved_on"),
    // A delivery adds to the stock, a write-off takes from it, never below zero.
    tallies: &[Tally {
        target: "supply",
        total: "stock",
        quantity: "quantity",
        when: TallyWhen::Created { field: "kind", up: "stock_in", down: "stock_out" },
    }],
    ..Register::new("office", "stock_movements", "office_stock_movements")
};

/// 印章: the seals the office keeps.
pub static SEALS: Register = Register {
    fields: &[
        text("name", 40).required().unique(),
        choice("kind", &SEAL_KIND).required(),
        choice("status", &SEAL_STATUS).required(),
        text("keeper", 20).required().personal(),
        date("made_on"),
        photos("impression"),
    ],
    list: &["name", "kind", "status", "keeper"],
    filters: &["kind", "status"],
    sort: Sort::asc("name"),
    sharing: Sharing::None,
    update_frequency: UpdateFrequency::Yearly,
    ..Register::new("office", "seals", "office_seals")
};

/// 用印申请 → 批准 → 用印, or refused.
pub static SEAL_USE_FLOW: Workflow = Workflow {
    initial: "applied",
    states: &[
        State::new("applied").within(1),
        State::new("approved").within(2),
        State::new("used").terminal(),
        State::new("rejected").terminal(),
    ],
    transitions: &[
        Transition::new("approve", &["applied"], "approved"),
        Transition::new("use", &["approved"], "used"),
        Transition::new("reject", &["applied", "approved"], "rejected").with_reason(),
    ],
};

/// 用印登记: one use of a seal, linked to the document it was put on.
pub static SEAL_USES: Register = Register {
    fields: &[
        reference("seal", Target::Register("office.seals")).required(),
        reference("outgoing", Target::Register("office.outgoing")),
        text("matter", 100).required(),
        integer("copies", 1, 1_000).required(),
        text("applicant", 20).required().personal(),
        date("applied_on").required(),
        date("used_on"),
    ],
    list: &["applied_on", "seal", "matter", "copies", "applicant"],
    filters: &["seal", "applied_on"],
    sort: Sort::desc("applied_on"),
    sharing: Sharing::None,
    workflow: Some(&SEAL_USE_FLOW),
    ..Register::new("office", "seal_uses", "office_seal_uses")
};

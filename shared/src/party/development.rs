//! 发展党员 (the development pipeline) and 组织关系转接 (relation transfers).
//!
//! The steps follow the 中国共产党发展党员工作细则 (2014); their time rules are
//! `rules::pipeline_issues`, and a transfer letter's validity `rules::transfer_valid_until`.

use super::codes::*;
use crate::codes::id_number;
use crate::engine::declare::fields::*;
use crate::engine::declare::{Counter, Measure, Place, Register, Sort, State, Target, Transition, Workflow};

/// 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员; each step carries its documents
/// (谈话记录, 培养考察材料, 入党志愿书 and the 支部大会 resolution, 转正申请).
pub static PIPELINE: Workflow = Workflow {
    initial: "applicant",
    states: &[
        State::new("applicant"),
        State::new("activist"),
        State::new("candidate"),
        State::new("probationary"),
        State::new("full").terminal(),
        State::new("rejected").terminal(),
    ],
    transitions: &[
        Transition::new("designate_activist", &["applicant"], "activist").with_attachment(),
        Transition::new("designate_candidate", &["activist"], "candidate").with_attachment(),
        Transition::new("admit", &["candidate"], "probationary").with_attachment(),
        Transition::new("confirm", &["probationary"], "full").with_attachment(),
        Transition::new("reject", &["applicant", "activist", "candidate"], "rejected").with_reason(),
        // 取消预备党员资格: a decision of the branch meeting, with its reason.
        Transition::new("disqualify", &["probationary"], "rejected").with_reason().with_attachment(),
    ],
};

/// 发展党员: one person on the way into the party, with the dates the rules count from.
pub static APPLICANTS: Register = Register {
    fields: &[
        text("name", 20).required().personal(),
        choice("gender", &GENDER).required(),
        text("id_number", 18).required().unique().check(id_number::validate).personal(),
        reference("organisation", Target::Register("party.organisations")).required(),
        date("applied_on").required(),
        date("talked_on"),
        date("activist_on"),
        date("candidate_on"),
        date("admitted_on"),
        date("approved_on"),
        date("full_on"),
        text("introducers", 40).personal(),
    ],
    list: &["name", "organisation", "applied_on", "activist_on", "admitted_on"],
    filters: &["organisation", "applied_on"],
    sort: Sort::desc("applied_on"),
    place: Place::Village,
    owner_department: "dept.party_office",
    workflow: Some(&PIPELINE),
    counters: &[
        Counter { name: "activists", measure: Measure::CountInState("activist") },
        Counter { name: "probationary", measure: Measure::CountInState("probationary") },
    ],
    ..Register::new("party", "applicants", "party_applicants")
};

/// A transfer letter is out until its receipt (回执) comes back; the sending branch stays
/// responsible for the member until then.
pub static TRANSFER: Workflow = Workflow {
    initial: "issued",
    states: &[State::new("issued"), State::new("received").terminal(), State::new("expired").terminal()],
    transitions: &[
        Transition::new("receive", &["issued"], "received").with_attachment(),
        Transition::new("expire", &["issued"], "expired").with_reason(),
    ],
};

/// 组织关系转接: a letter of introduction (介绍信) moving a member's relation.
pub static TRANSFERS: Register = Register {
    fields: &[
        reference("member", Target::Register("party.members")).required(),
        choice("direction", &TRANSFER_DIRECTION).required(),
        text("from_organisation", 60).required(),
        text("to_organisation", 60).required(),
        text("letter_number", 30),
        date("issued_on").required(),
        date("valid_until").required(),
        date("receipt_returned_on"),
    ],
    list: &["member", "direction", "to_organisation", "issued_on", "valid_until"],
    filters: &["direction", "issued_on"],
    sort: Sort::desc("issued_on"),
    place: Place::Village,
    owner_department: "dept.party_office",
    workflow: Some(&TRANSFER),
    ..Register::new("party", "transfers", "party_transfers")
};

//! 公文管理: outgoing documents (发文) with the elements of GB/T 9704—2012, and incoming
//! documents (收文).

use super::codes::*;
use crate::engine::declare::fields::*;
use crate::engine::declare::{Counter, Measure, NamingSeries, Register, Sharing, Sort, State, Transition, Workflow};

/// 拟稿 → 核稿 → 签发 → 印制 → 用印 → 分发 → 归档, with a return to the drafter from review
/// or before printing.
pub static OUTGOING_FLOW: Workflow = Workflow {
    initial: "draft",
    states: &[
        State::new("draft"),
        State::new("review").within(2),
        State::new("signed").within(3),
        State::new("printed").within(1),
        State::new("sealed").within(1),
        State::new("distributed"),
        State::new("archived").terminal(),
    ],
    transitions: &[
        Transition::new("submit", &["draft"], "review"),
        Transition::new("sign", &["review"], "signed"),
        Transition::new("print", &["signed"], "printed"),
        Transition::new("seal", &["printed"], "sealed"),
        Transition::new("distribute", &["sealed"], "distributed"),
        Transition::new("archive", &["distributed"], "archived"),
        Transition::new("send_back", &["review", "signed"], "draft").with_reason(),
    ],
};

/// 发文: one outgoing document; its 发文字号 is given when it is signed, gap-free per year.
pub static OUTGOING: Register = Register {
    fields: &[
        text("title", 100).required(),
        choice("document_type", &DOCUMENT_TYPE).required(),
        text("copy_number", 6),
        choice("classification", &CLASSIFICATION),
        text("secrecy_period", 10),
        choice("urgency", &URGENCY),
        text("issuer_mark", 40).required(),
        text("signer", 20),
        text("main_recipients", 200),
        long_text("body").required(),
        files("attachments"),
        date("written_on"),
        text("copied_to", 200),
        text("printed_by", 40),
        date("printed_on"),
    ],
    list: &["number", "title", "document_type", "urgency", "written_on"],
    filters: &["document_type", "classification", "urgency", "written_on"],
    sort: Sort::desc("created_at"),
    sharing: Sharing::None,
    naming: Some(NamingSeries { prefix: "梅委发", suffix: "号", on_state: Some("signed") }),
    workflow: Some(&OUTGOING_FLOW),
    counters: &[Counter { name: "in_progress", measure: Measure::CountInState("review") }],
    ..Register::new("office", "outgoing", "office_outgoing")
};

/// 签收 → 登记 → 拟办 → 批办 → 承办 → 传阅 → 催办 → 办结.
pub static INCOMING_FLOW: Workflow = Workflow {
    initial: "received",
    states: &[
        State::new("received").within(1),
        State::new("registered").within(1),
        State::new("proposed").within(2),
        State::new("instructed").within(2),
        State::new("handling"),
        State::new("circulating"),
        State::new("urged"),
        State::new("closed").terminal(),
    ],
    transitions: &[
        Transition::new("register", &["received"], "registered"),
        Transition::new("propose", &["registered"], "proposed"),
        Transition::new("instruct", &["proposed"], "instructed"),
        Transition::new("assign", &["instructed"], "handling"),
        Transition::new("circulate", &["handling"], "circulating"),
        Transition::new("urge", &["handling", "circulating"], "urged"),
        Transition::new("close", &["handling", "circulating", "urged"], "closed"),
    ],
};

/// 收文: a document received from another organ, with its handling.
pub static INCOMING: Register = Register {
    fields: &[
        text("title", 100).required(),
        text("sender", 60).required(),
        text("sender_number", 30),
        choice("document_type", &DOCUMENT_TYPE),
        choice("classification", &CLASSIFICATION),
        choice("urgency", &URGENCY),
        integer("copies", 1, 999),
        date("received_on").required(),
        date("deadline"),
        long_text("proposal"),
        long_text("instruction"),
        user("handler"),
        long_text("result"),
        files("attachments"),
    ],
    list: &["number", "title", "sender", "received_on", "deadline"],
    filters: &["urgency", "handler", "received_on", "deadline"],
    sort: Sort::desc("received_on"),
    sharing: Sharing::None,
    naming: Some(NamingSeries { prefix: "梅收", suffix: "号", on_state: None }),
    workflow: Some(&INCOMING_FLOW),
    counters: &[Counter { name: "open", measure: Measure::CountInState("handling") }],
    ..Register::new("office", "incoming", "office_incoming")
};

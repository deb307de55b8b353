//! The event lifecycle: 上报 → 立案 (or 不予立案) → 派遣 → 处置 → 核查 → 结案, plus
//! return for re-dispatch, suspension, reopening, merging, escalation and supervision.
//! One table of transitions, used by the server to refuse illegal steps and by the UI to
//! offer only the legal ones.

use serde::{Deserialize, Serialize};

use crate::permissions::codes;

/// The final states, spelt once: as the SQL list that `concat!` puts into queries (SQL that
/// must match a partial index, `WHERE state NOT IN (…)`, has to spell the list as literals),
/// from which [`EventState::FINAL`] is read at compile time. `e.state NOT IN (final_states_sql!())` is "open";
/// `NOT IN (final_states_sql!(), 'suspended')` is "its deadline runs".
#[macro_export]
macro_rules! final_states_sql {
    () => {
        "'closed', 'rejected', 'merged'"
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
pub enum EventState {
    /// 待受理: reported, nobody has looked at it yet.
    Reported,
    /// 已立案: accepted as a case, waiting to be dispatched.
    Accepted,
    /// 不予立案: rejected with a reason (the reporter is told why).
    Rejected,
    /// 已派遣: sent to a department (and maybe a person), not yet taken up.
    Dispatched,
    /// 处置中: the handler has signed for it.
    Handling,
    /// 已退回: the department says it is not theirs; to be dispatched again.
    Returned,
    /// 已处置: the handler reports it done, with evidence; waiting for verification.
    Handled,
    /// 已核查: someone checked on the spot that it is done.
    Verified,
    /// 已结案.
    Closed,
    /// 已挂起: paused (e.g. waiting for weather); the deadline clock stops.
    Suspended,
    /// 已重新打开: reopened by staff or by the reporter's dispute; to be dispatched again.
    Reopened,
    /// 已合并: a duplicate; the surviving event carries on.
    Merged,
}

impl EventState {
    pub const ALL: [EventState; 12] = [
        EventState::Reported,
        EventState::Accepted,
        EventState::Dispatched,
        EventState::Handling,
        EventState::Returned,
        EventState::Handled,
        EventState::Verified,
        EventState::Closed,
        EventState::Rejected,
        EventState::Suspended,
        EventState::Reopened,
        EventState::Merged,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventState::Reported => "reported",
            EventState::Accepted => "accepted",
            EventState::Rejected => "rejected",
            EventState::Dispatched => "dispatched",
            EventState::Handling => "handling",
            EventState::Returned => "returned",
            EventState::Handled => "handled",
            EventState::Verified => "verified",
            EventState::Closed => "closed",
            EventState::Suspended => "suspended",
            EventState::Reopened => "reopened",
            EventState::Merged => "merged",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Closed, rejected and merged events are finished: no deadline runs for them. Read at
    /// compile time from the one list, [`final_states_sql!`](crate::final_states_sql): a code
    /// there that names no state fails the build.
    pub const FINAL: [EventState; 3] = states_of_sql_list(final_states_sql!());

    pub fn is_final(self) -> bool {
        Self::FINAL.contains(&self)
    }

    /// States whose deadline clock runs.
    pub fn is_running(self) -> bool {
        !self.is_final() && self != EventState::Suspended
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(EventState);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
pub enum Action {
    /// 立案
    Accept,
    /// 不予立案
    Reject,
    /// 合并到另一事件
    Merge,
    /// 派遣 (or re-dispatch)
    Dispatch,
    /// 签收
    Start,
    /// 退回
    Return,
    /// 办结 (with evidence)
    Handle,
    /// 核查通过
    Verify,
    /// 核查不通过, back to the handler
    Rework,
    /// 结案
    Close,
    /// 挂起
    Suspend,
    /// 恢复
    Resume,
    /// 重新打开 (staff)
    Reopen,
    /// 对结果有异议 (the reporter): reopens
    Dispute,
    /// 确认并评价 (the reporter)
    Confirm,
    /// 上报上级 / 超期升级
    Escalate,
    /// 督办 (a leader)
    Supervise,
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(Action);

/// Who may take an action: a permission code, or only the reporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Permission(crate::permissions::Permission),
    Reporter,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::Accept,
        Action::Reject,
        Action::Merge,
        Action::Dispatch,
        Action::Start,
        Action::Return,
        Action::Handle,
        Action::Verify,
        Action::Rework,
        Action::Close,
        Action::Suspend,
        Action::Resume,
        Action::Reopen,
        Action::Dispute,
        Action::Confirm,
        Action::Escalate,
        Action::Supervise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
            Action::Merge => "merge",
            Action::Dispatch => "dispatch",
            Action::Start => "start",
            Action::Return => "return",
            Action::Handle => "handle",
            Action::Verify => "verify",
            Action::Rework => "rework",
            Action::Close => "close",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Reopen => "reopen",
            Action::Dispute => "dispute",
            Action::Confirm => "confirm",
            Action::Escalate => "escalate",
            Action::Supervise => "supervise",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    pub fn actor(self) -> Actor {
        match self {
            Action::Accept | Action::Reject | Action::Merge => Actor::Permission(codes::EVENTS_ACCEPT),
            Action::Dispatch | Action::Suspend | Action::Resume => Actor::Permission(codes::EVENTS_DISPATCH),
            Action::Start | Action::Return | Action::Handle | Action::Escalate => {
                Actor::Permission(codes::EVENTS_HANDLE)
            }
            Action::Verify | Action::Rework => Actor::Permission(codes::EVENTS_VERIFY),
            Action::Close | Action::Reopen => Actor::Permission(codes::EVENTS_CLOSE),
            Action::Supervise => Actor::Permission(codes::EVENTS_SUPERVISE),
            Action::Dispute | Action::Confirm => Actor::Reporter,
        }
    }

    /// Whether the action must say why (the reason is shown in the timeline and told to
    /// the reporter).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Reject
                | Action::Return
                | Action::Handle
                | Action::Rework
                | Action::Suspend
                | Action::Reopen
                | Action::Dispute
                | Action::Escalate
                | Action::Supervise
        )
    }

    /// Actions that handlers take only on events given to them or their department.
    pub fn is_handler_action(self) -> bool {
        matches!(self, Action::Start | Action::Return | Action::Handle)
    }
}

/// An action that is not allowed in the event's current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: EventState,
    pub action: Action,
}

/// The state an action leads to, or why it cannot be taken. `suspended_from` is where a
/// suspended event resumes.
pub fn next_state(
    from: EventState,
    action: Action,
    suspended_from: Option<EventState>,
) -> Result<EventState, IllegalTransition> {
    use EventState::*;
    let illegal = Err(IllegalTransition { from, action });
    let to = match (action, from) {
        (Action::Accept, Reported) => Accepted,
        (Action::Reject, Reported) => Rejected,
        (Action::Merge, Reported | Accepted) => Merged,
        (Action::Dispatch, Accepted | Returned | Reopened | Dispatched) => Dispatched,
        (Action::Start, Dispatched) => Handling,
        (Action::Return, Dispatched | Handling) => Returned,
        (Action::Handle, Handling) => Handled,
        (Action::Verify, Handled) => Verified,
        (Action::Rework, Handled) => Handling,
        (Action::Close, Verified) => Closed,
        (Action::Suspend, Accepted | Dispatched | Handling | Returned | Reopened) => Suspended,
        (Action::Resume, Suspended) => match suspended_from {
            Some(state) if state != Suspended && !state.is_final() => state,
            _ => Accepted,
        },
        (Action::Reopen, Closed | Rejected) => Reopened,
        (Action::Dispute, Closed) => Reopened,
        (Action::Confirm, Closed) => Closed,
        (Action::Escalate | Action::Supervise, state) if !state.is_final() => state,
        _ => return illegal,
    };
    Ok(to)
}

/// The states of an SQL list `'a', 'b', 'c'`, in order (`N` must be their number).
const fn states_of_sql_list<const N: usize>(list: &str) -> [EventState; N] {
    let bytes = list.as_bytes();
    let mut states = [EventState::Reported; N];
    let (mut found, mut at) = (0, 0);
    while at < bytes.len() {
        if bytes[at] == b'\'' {
            let start = at + 1;
            let mut end = start;
            while bytes[end] != b'\'' {
                end += 1;
            }
            assert!(found < N, "more states in the list than N");
            states[found] = state_of_code(bytes, start, end);
            found += 1;
            at = end;
        }
        at += 1;
    }
    assert!(found == N, "fewer states in the list than N");
    states
}

/// The state whose code is `bytes[start..end]`.
const fn state_of_code(bytes: &[u8], start: usize, end: usize) -> EventState {
    let mut i = 0;
    while i < EventState::ALL.len() {
        let code = EventState::ALL[i].as_str().as_bytes();
        if code.len() == end - start {
            let mut j = 0;
            while j < code.len() && code[j] == bytes[start + j] {
                j += 1;
            }
            if j == code.len() {
                return EventState::ALL[i];
            }
        }
        i += 1;
    }
    panic!("a final state in final_states_sql! names no state")
}

/// The actions legal in a state (whoever takes them).
pub fn legal_actions(from: EventState) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| next_state(from, *a, None).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventState::*;

    #[test]
    fn the_sql_list_of_final_states_is_the_final_states() {
        let listed: Vec<EventState> = final_states_sql!()
            .split(", ")
            .map(|quoted| EventState::parse(quoted.trim_matches('\'')).expect("a known state"))
            .collect();
        let finals: Vec<EventState> = EventState::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(listed.len(), finals.len());
        assert!(finals.iter().all(|s| listed.contains(s)));
    }

    #[test]
    fn the_main_loop_runs_from_report_to_close() {
        let mut state = Reported;
        for action in [Action::Accept, Action::Dispatch, Action::Start, Action::Handle, Action::Verify, Action::Close] {
            state = next_state(state, action, None).unwrap();
        }
        assert_eq!(state, Closed);
        assert_eq!(next_state(Closed, Action::Confirm, None), Ok(Closed));
        assert_eq!(next_state(Closed, Action::Dispute, None), Ok(Reopened));
        assert_eq!(next_state(Reopened, Action::Dispatch, None), Ok(Dispatched));
    }

    #[test]
    fn illegal_transitions_are_refused() {
        assert_eq!(
            next_state(Reported, Action::Close, None),
            Err(IllegalTransition { from: Reported, action: Action::Close })
        );
        assert!(next_state(Handling, Action::Verify, None).is_err());
        assert!(next_state(Closed, Action::Handle, None).is_err());
        assert!(next_state(Merged, Action::Escalate, None).is_err());
        assert!(next_state(Rejected, Action::Dispute, None).is_err());
    }

    #[test]
    fn suspension_resumes_where_it_was() {
        let suspended = next_state(Handling, Action::Suspend, None).unwrap();
        assert_eq!(suspended, Suspended);
        assert_eq!(next_state(Suspended, Action::Resume, Some(Handling)), Ok(Handling));
        assert_eq!(next_state(Suspended, Action::Resume, None), Ok(Accepted));
        assert!(next_state(Suspended, Action::Suspend, None).is_err());
    }

    #[test]
    fn every_state_and_action_round_trips_and_final_states_offer_little() {
        for state in EventState::ALL {
            assert_eq!(EventState::parse(state.as_str()), Some(state));
        }
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(legal_actions(Merged), Vec::<Action>::new());
        assert_eq!(legal_actions(Rejected), vec![Action::Reopen]);
        assert!(legal_actions(Reported).contains(&Action::Accept));
    }
}

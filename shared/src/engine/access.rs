//! Who may do what on a register: the permission `m.<module>.<register>.<action>` among the
//! user's register grants ([`SessionUser::records`], the union of their roles'). Compiled for
//! the browser too, so a page hides what its server function would refuse — the service
//! checks again; hiding a button is never the check.

use super::declare::Register;
use super::record::Action;
use crate::accounts::SessionUser;

impl SessionUser {
    /// Whether the user's roles grant `action` on `register`.
    pub fn may(&self, register: &Register, action: Action) -> bool {
        self.records.contains(&action.code(register))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::UserKind;
    use crate::permissions::DataScope;

    fn user(records: &[&str]) -> SessionUser {
        SessionUser {
            id: 1,
            username: "clerk".into(),
            display_name: "文书".into(),
            kind: UserKind::Staff,
            township_id: 1,
            township_name: "镇".into(),
            village_id: None,
            grid_id: None,
            department_id: None,
            role_names: vec![],
            permissions: Default::default(),
            scope: DataScope::Township,
            records: records.iter().map(|code| (*code).to_owned()).collect(),
        }
    }

    #[test]
    fn an_action_is_granted_by_its_own_code_only() {
        let clerk = user(&["m.party.members.view", "m.party.organisations.edit"]);
        assert!(clerk.may(&crate::party::MEMBERS, Action::View));
        assert!(!clerk.may(&crate::party::MEMBERS, Action::Edit));
        assert!(!clerk.may(&crate::party::ORGANISATIONS, Action::View));
        assert!(clerk.may(&crate::party::ORGANISATIONS, Action::Edit));
        assert!(!user(&[]).may(&crate::party::MEMBERS, Action::View));
    }
}

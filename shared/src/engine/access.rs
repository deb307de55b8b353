//! Who may do what on a register: the permission `m.<module>.<register>.<action>` among the
//! user's register grants ([`SessionUser::records`], the union of their roles'). Compiled for
//! the browser too, so a page hides what its server function would refuse — the service
//! checks again; hiding a button is never the check.

use super::declare::Register;
use super::record::{Action, RegisterLink};
use crate::accounts::SessionUser;

impl SessionUser {
    /// Whether the user's roles grant `action` on `register`.
    pub fn may(&self, register: &Register, action: Action) -> bool {
        self.records.contains(&action.code(register))
    }

    /// The user with [`SessionUser::registers`] filled from their grants: every register of
    /// `crate::modules::MODULES` and every run-time register they may view or configure that
    /// is not a child table (those are edited inside their parent), in the order declared.
    pub fn with_register_links(self) -> SessionUser {
        let registers = crate::modules::registers()
            .filter(|register| register.parent.is_none())
            .filter_map(|register| {
                let view = self.may(register, Action::View);
                (view || self.may(register, Action::Configure)).then(|| RegisterLink {
                    module: register.module.to_owned(),
                    name: register.name.to_owned(),
                    fields_only: !view,
                    title: runtime_title(register),
                })
            })
            .collect();
        SessionUser { registers, ..self }
    }
}

#[cfg(feature = "ssr")]
fn runtime_title(register: &Register) -> Option<super::runtime::RuntimeTitle> {
    if register.is_runtime() { super::service::runtime::titles(register) } else { None }
}

#[cfg(not(feature = "ssr"))]
fn runtime_title(_: &Register) -> Option<super::runtime::RuntimeTitle> {
    None
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
            registers: Vec::new(),
            password_due: None,
            second_factor_due: false,
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

    #[test]
    fn the_menu_lists_viewable_registers_in_declared_order_without_child_tables() {
        let codes: Vec<String> = crate::modules::registers().map(|register| Action::View.code(register)).collect();
        let user = user(&codes.iter().map(String::as_str).collect::<Vec<_>>()).with_register_links();
        let declared: Vec<String> = crate::modules::registers()
            .filter(|r| r.parent.is_none())
            .map(|r| format!("{}.{}", r.module, r.name))
            .collect();
        let listed: Vec<String> = user.registers.iter().map(|link| format!("{}.{}", link.module, link.name)).collect();
        assert_eq!(listed, declared);
        assert!(!listed.contains(&"party.meeting_attendance".to_owned()));
        assert!(user.registers.iter().all(|link| !link.fields_only));
        assert_eq!(self::user(&["m.party.members.edit"]).with_register_links().registers, vec![]);
        // Configuring without viewing: the link opens the fields page.
        let admin = self::user(&["m.party.members.configure"]).with_register_links();
        assert_eq!(admin.registers.iter().map(RegisterLink::path).collect::<Vec<_>>(), ["/m/party/members/fields"]);
    }
}

//! The modules built on the engine: one line each. A module is a folder of `shared/src/`
//! whose `MODULE` declares its registers (see `crate::engine::declare`).

use crate::engine::{Module, Register};

pub static MODULES: &[&Module] = &[&crate::party::MODULE, &crate::office::MODULE];

/// Every declared register, module by module.
pub fn registers() -> impl Iterator<Item = &'static Register> {
    MODULES.iter().flat_map(|module| module.registers.iter().copied())
}

/// The register `module.name`.
pub fn register(module: &str, name: &str) -> Option<&'static Register> {
    registers().find(|register| register.module == module && register.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::{Kind, STANDARD_COLUMNS, Target};

    /// The rules a declaration must follow, checked for every module at once.
    #[test]
    fn every_declaration_is_well_formed() {
        let mut tables = std::collections::BTreeSet::new();
        for register in registers() {
            let key = register.key();
            assert_eq!(register.table, format!("{}_{}", register.module, register.name), "{key}: table name");
            assert!(tables.insert(register.table), "{key}: table declared twice");
            let mut names = std::collections::BTreeSet::new();
            for field in register.fields {
                let name = field.name;
                assert!(
                    name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') && name.len() <= 40,
                    "{key}.{name}: a column name is lower-case ASCII"
                );
                assert!(!STANDARD_COLUMNS.contains(&name) && name != "parent_id", "{key}.{name}: a standard column");
                assert!(names.insert(name), "{key}.{name}: declared twice");
                if let Kind::Reference(Target::Register(target)) = field.kind {
                    let (module, name) = target.split_once('.').expect("module.register");
                    assert!(register_exists(module, name), "{key}.{}: no register {target}", field.name);
                }
            }
            for column in register.list.iter().chain(register.filters) {
                assert!(register.field(column).is_some() || STANDARD_COLUMNS.contains(column), "{key}: {column}");
            }
            if let Some(workflow) = register.workflow {
                let state = |name: &str| workflow.states.iter().any(|state| state.name == name);
                assert!(state(workflow.initial), "{key}: initial state");
                for transition in workflow.transitions {
                    assert!(
                        state(transition.to) && transition.from.iter().all(|from| state(from)),
                        "{key}: {}",
                        transition.name
                    );
                }
            }
            if let Some(parent) = register.parent {
                let (module, name) = parent.split_once('.').expect("module.register");
                assert!(register_exists(module, name), "{key}: no parent {parent}");
            }
        }
    }

    fn register_exists(module: &str, name: &str) -> bool {
        register(module, name).is_some()
    }
}

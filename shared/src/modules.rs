//! The modules built on the engine: one line each. A module is a folder of `shared/src/`
//! whose `MODULE` declares its registers (see `crate::engine::declare`).

use crate::engine::{Module, Register};

pub static MODULES: &[&Module] =
    &[&crate::party::MODULE, &crate::office::MODULE, &crate::maintenance::MODULE, &crate::sensing::MODULE];

/// Every register, module by module: the declared ones, then (on the server) the run-time
/// registers this process knows (`crate::engine::service::runtime`).
pub fn registers() -> impl Iterator<Item = &'static Register> {
    declared().chain(runtime())
}

/// The registers of [`MODULES`].
pub fn declared() -> impl Iterator<Item = &'static Register> {
    MODULES.iter().flat_map(|module| module.registers.iter().copied())
}

#[cfg(feature = "ssr")]
fn runtime() -> impl Iterator<Item = &'static Register> {
    crate::engine::service::runtime::registers().into_iter()
}

#[cfg(not(feature = "ssr"))]
fn runtime() -> impl Iterator<Item = &'static Register> {
    std::iter::empty()
}

/// The register `module.name`. A declared module's name never reads the run-time list.
pub fn register(module: &str, name: &str) -> Option<&'static Register> {
    let found = |register: &&'static Register| register.module == module && register.name == name;
    if module == crate::engine::runtime::RUNTIME_MODULE { runtime().find(found) } else { declared().find(found) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::{Kind, Measure, STANDARD_COLUMNS, TallyWhen, Target};

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
                // What identifies or reaches a person is personal data: the sharing API masks it.
                if ["id_number", "mobile", "phone"].contains(&name) {
                    assert!(field.personal, "{key}.{name}: personal data must be marked `.personal()`");
                }
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
            for counter in register.counters {
                for field in counter.measure.fields() {
                    assert!(register.field(field).is_some(), "{key}: counter {} reads no field {field}", counter.name);
                }
                if let Measure::AtOrBelow { field, limit } = counter.measure {
                    let integer = |name| matches!(register.field(name).map(|f| f.kind), Some(Kind::Integer { .. }));
                    assert!(integer(field) && integer(limit), "{key}: counter {} compares integers", counter.name);
                }
            }
            if let Some(parent) = register.parent {
                let (module, name) = parent.split_once('.').expect("module.register");
                assert!(register_exists(module, name), "{key}: no parent {parent}");
            }
            for tally in register.tallies {
                let Some(Kind::Reference(Target::Register(totals))) = register.field(tally.target).map(|f| f.kind)
                else {
                    panic!("{key}: a tally's target {} is a register reference", tally.target);
                };
                let (module, name) = totals.split_once('.').expect("module.register");
                let totals = register_by(module, name);
                assert!(
                    matches!(totals.field(tally.total).map(|f| f.kind), Some(Kind::Integer { .. })),
                    "{key}: the tally's total {} is an integer field of {}",
                    tally.total,
                    totals.key()
                );
                assert!(
                    matches!(register.field(tally.quantity).map(|f| f.kind), Some(Kind::Integer { .. })),
                    "{key}: the tally's quantity is an integer field"
                );
                match tally.when {
                    TallyWhen::Created { field, up, down } => assert!(
                        matches!(register.field(field).map(|f| f.kind), Some(Kind::Choice(codes)) if codes.contains(up) && codes.contains(down)),
                        "{key}: the tally's {field} is a choice with {up} and {down}"
                    ),
                    TallyWhen::EnteringDown { state } => assert!(
                        register.workflow.is_some_and(|w| w.states.iter().any(|s| s.name == state)),
                        "{key}: the tally's state {state}"
                    ),
                }
            }
        }
    }

    fn register_by(module: &str, name: &str) -> &'static Register {
        register(module, name).expect("declared")
    }

    fn register_exists(module: &str, name: &str) -> bool {
        register(module, name).is_some()
    }
}

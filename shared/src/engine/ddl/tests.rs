use super::diff::in_dependency_order;
use super::*;
use crate::engine::declare::fields::*;
use crate::engine::declare::{CodeTable, STANDARD_COLUMNS, Sort};

static COLOUR: CodeTable = CodeTable { name: "colour", codes: &["red", "blue"] };

static SHEDS: Register = Register {
    fields: &[
        text("name", 40).required().unique(),
        multi_choice("colours", &COLOUR),
        reference("owner", Target::Resident),
        point("location").required(),
    ],
    filters: &["name", "colours", "location", "state"],
    sort: Sort::asc("name"),
    ..Register::new("farm", "sheds", "farm_sheds")
};

static TOOLS: Register = Register {
    fields: &[text("label", 20).required(), reference("shed", Target::Register("farm.sheds"))],
    parent: Some("farm.sheds"),
    ..Register::new("farm", "tools", "farm_tools")
};

#[test]
fn standard_columns_are_the_declared_ones() {
    let names: Vec<&str> = STANDARD_COLUMN_DEFINITIONS.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, STANDARD_COLUMNS);
}

#[test]
fn a_register_gets_its_table_indexes_and_trigger() {
    assert_eq!(
        create_register(&SHEDS),
        [
            "CREATE TABLE reg.farm_sheds (\n    \
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    \
             township_id integer NOT NULL REFERENCES townships(id),\n    \
             village_id integer REFERENCES villages(id),\n    \
             grid_id integer REFERENCES grids(id),\n    \
             owner_id bigint REFERENCES users(id),\n    \
             number text,\n    \
             state text,\n    \
             state_since timestamp with time zone,\n    \
             state_due timestamp with time zone,\n    \
             version integer NOT NULL DEFAULT 1,\n    \
             extra jsonb NOT NULL DEFAULT '{}',\n    \
             created_by bigint REFERENCES users(id),\n    \
             updated_by bigint REFERENCES users(id),\n    \
             created_at timestamp with time zone NOT NULL DEFAULT now(),\n    \
             updated_at timestamp with time zone NOT NULL DEFAULT now(),\n    \
             deleted_at timestamp with time zone,\n    \
             name text NOT NULL,\n    \
             colours text[],\n    \
             owner bigint REFERENCES residents(id),\n    \
             location geometry(Point,4326) NOT NULL\n)",
            "CREATE INDEX farm_sheds_scope_idx ON reg.farm_sheds (township_id, village_id, grid_id) \
             WHERE deleted_at IS NULL",
            "CREATE INDEX farm_sheds_name_sort ON reg.farm_sheds (name, id) WHERE deleted_at IS NULL",
            "CREATE INDEX farm_sheds_name_sorted ON reg.farm_sheds (name text_pattern_ops, id) WHERE deleted_at IS NULL",
            "CREATE INDEX farm_sheds_colours_idx ON reg.farm_sheds USING gin (colours) WHERE deleted_at IS NULL",
            "CREATE INDEX farm_sheds_state_sorted ON reg.farm_sheds (state, name, id) WHERE deleted_at IS NULL",
            "CREATE UNIQUE INDEX farm_sheds_name_key ON reg.farm_sheds (township_id, name) WHERE deleted_at IS NULL",
            "CREATE INDEX farm_sheds_location_gist ON reg.farm_sheds USING gist (location) WHERE deleted_at IS NULL",
            "CREATE INDEX farm_sheds_updated_at_feed ON reg.farm_sheds (township_id, updated_at, id)",
            "CREATE TRIGGER engine_history AFTER INSERT OR UPDATE ON reg.farm_sheds FOR EACH ROW \
             EXECUTE FUNCTION engine_record_history('farm.sheds')",
        ]
    );
}

#[test]
fn a_child_register_points_at_its_parent() {
    let statements = create_register(&TOOLS);
    assert!(
        statements[0]
            .contains("    parent_id bigint NOT NULL REFERENCES reg.farm_sheds(id),\n    label text NOT NULL,")
    );
    assert!(statements[0].ends_with("    shed bigint REFERENCES reg.farm_sheds(id)\n)"));
    assert!(statements.contains(
        &"CREATE INDEX farm_tools_parent_id_idx ON reg.farm_tools (parent_id) WHERE deleted_at IS NULL".to_owned()
    ));
    // The default order: newest first, read backwards from the ascending index.
    assert!(
        statements.contains(
            &"CREATE INDEX farm_tools_created_at_sort ON reg.farm_tools (created_at, id) WHERE deleted_at IS NULL"
                .to_owned()
        )
    );
}

#[test]
fn no_index_repeats_another() {
    static DUES: Register = Register {
        fields: &[date("month").required(), boolean("paid")],
        filters: &["month", "paid"],
        sort: Sort::desc("month"),
        ..Register::new("farm", "dues", "farm_dues")
    };
    static LINES: Register = Register { sort: Sort::asc("id"), ..Register::new("farm", "lines", "farm_lines") };
    let names = |register: &Register| indexes(register).into_iter().map(|index| index.name).collect::<Vec<_>>();
    assert_eq!(
        names(&DUES),
        ["farm_dues_scope_idx", "farm_dues_month_sort", "farm_dues_paid_sorted", "farm_dues_updated_at_feed"]
    );
    assert_eq!(names(&LINES), ["farm_lines_scope_idx", "farm_lines_updated_at_feed"]);
}

#[test]
fn every_statement_has_its_undoing() {
    let changes = create_changes(&SHEDS);
    assert_eq!(changes[0].down, "DROP TABLE reg.farm_sheds");
    assert_eq!(changes[1].down, "DROP INDEX reg.farm_sheds_scope_idx");
    assert_eq!(changes.last().map(|c| c.down.as_str()), Some("DROP TRIGGER engine_history ON reg.farm_sheds"));
}

#[test]
fn column_types_follow_the_kind() {
    assert_eq!(column_type(&Kind::Decimal { scale: 3 }), "numeric(18,3)");
    assert_eq!(column_type(&Kind::Money), "numeric(14,2)");
    assert_eq!(column_type(&Kind::Reference(Target::Grid)), "integer");
    assert_eq!(column_type(&Kind::Reference(Target::House)), "bigint");
    assert_eq!(column_type(&Kind::Users), "bigint[]");
    assert_eq!(column_type(&Kind::Polygon), "geometry(Polygon,4326)");
    // A column added after the table was created is nullable even when required.
    assert_eq!(field_column(&text("x", 4).required(), false), "x text");
    assert_eq!(field_column(&user("y").required(), true), "y bigint NOT NULL REFERENCES users(id)");
}

#[test]
fn long_index_names_stay_unique_within_the_limit() {
    let table = "office_incoming_documents_circulation";
    let a = index_name(table, "responsible_department_a", "idx");
    let b = index_name(table, "responsible_department_b", "idx");
    assert_eq!(a.len(), 63);
    assert_ne!(a, b);
    assert_eq!(a, index_name(table, "responsible_department_a", "idx"), "deterministic");
    assert_eq!(index_name("party_members", "id_number", "key"), "party_members_id_number_key");
}

#[test]
fn parents_and_references_come_first() {
    let (ordered, cycle) = in_dependency_order(vec![&TOOLS, &SHEDS]);
    let keys: Vec<String> = ordered.iter().map(|register| register.key()).collect();
    assert_eq!(keys, ["farm.sheds", "farm.tools"]);
    assert!(cycle.is_empty());
}

#[test]
fn the_declared_registers_have_an_order() {
    let (ordered, cycle) = in_dependency_order(crate::modules::registers().collect());
    assert!(cycle.is_empty(), "{cycle:?}");
    assert_eq!(ordered.len(), crate::modules::registers().count());
}

#[test]
fn a_reference_of_placed_records_has_the_statistics_of_its_dependence_on_the_place() {
    static MEMBERS: Register = Register {
        fields: &[
            text("name", 20).required(),
            reference("branch", Target::Register("farm.branches")),
            reference("house", Target::House),
        ],
        filters: &["branch"],
        place: Place::Village,
        ..Register::new("farm", "members", "farm_members")
    };
    static LETTERS: Register = Register {
        fields: &[reference("branch", Target::Register("farm.branches"))],
        filters: &["branch"],
        ..Register::new("farm", "letters", "farm_letters")
    };
    let changes = create_changes(&MEMBERS);
    let statistics: Vec<&Change> = changes.iter().filter(|change| change.up.starts_with("CREATE STATISTICS")).collect();
    assert_eq!(
        statistics.iter().map(|change| change.up.as_str()).collect::<Vec<_>>(),
        ["CREATE STATISTICS reg.farm_members_branch_stats (dependencies) ON village_id, grid_id, branch \
          FROM reg.farm_members"],
        "the reference that is a filter, not the base-data reference that has no index"
    );
    assert_eq!(statistics[0].down, "DROP STATISTICS reg.farm_members_branch_stats");
    // A township's records have no place for a reference to depend on.
    assert!(create_changes(&LETTERS).iter().all(|change| !change.up.starts_with("CREATE STATISTICS")));
}

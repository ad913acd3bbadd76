use super::*;
use crate::binder::plan::BoundKind;
use crate::table::{Field, Schema};

fn column_table(values: Vec<Value>, ty: Type) -> Table {
    let rows = values.into_iter().map(|value| vec![value]).collect();
    Table::from_rows(Schema::new(vec![Field::new("x", ty)]), rows)
}

fn column_arg(ty: Type) -> BoundExpr {
    BoundExpr {
        kind: BoundKind::Column(0),
        ty,
        span: 0..0,
    }
}

fn literal(value: Value, ty: Type) -> BoundExpr {
    BoundExpr {
        kind: BoundKind::Literal(value),
        ty,
        span: 0..0,
    }
}

fn compute(name: &str, table: &Table, args: &[BoundExpr]) -> Vec<Value> {
    let aggregate = lookup(name).unwrap_or_else(|| panic!("no aggregate {name}"));
    let rows: Vec<usize> = (0..table.row_count).collect();
    let context = EvalContext::for_tests();
    let group = Group {
        table,
        rows: &rows,
        args,
        context: &context,
        span: &(0..0),
    };
    (aggregate.compute)(&group).unwrap_or_else(|error| panic!("{name}: {}", error.message))
}

fn longs(values: &[Option<i64>]) -> Table {
    column_table(
        values
            .iter()
            .map(|v| v.map(Value::Long).unwrap_or(Value::Null))
            .collect(),
        Type::Long,
    )
}

// learn.microsoft.com/kusto/query/summarize-operator, "Default values of aggregations":
// nulls are ignored; count and sum of nothing are 0, make_set of nothing is [].
#[test]
fn aggregates_skip_nulls() {
    let table = longs(&[Some(1), None, Some(3), Some(1)]);
    let arg = [column_arg(Type::Long)];
    assert_eq!(compute("count", &table, &[]), [Value::Long(4)]);
    assert_eq!(compute("sum", &table, &arg), [Value::Long(5)]);
    assert_eq!(compute("dcount", &table, &arg), [Value::Long(2)]);
    assert_eq!(compute("min", &table, &arg), [Value::Long(1)]);
    assert_eq!(compute("max", &table, &arg), [Value::Long(3)]);
    assert_eq!(compute("avg", &table, &arg), [Value::Real(5.0 / 3.0)]);
    assert_eq!(
        compute("make_set", &table, &arg)[0].to_kusto_string(),
        "[1,3]"
    );
    assert_eq!(
        compute("make_list", &table, &arg)[0].to_kusto_string(),
        "[1,3,1]"
    );
}

#[test]
fn aggregates_of_no_rows() {
    let table = longs(&[]);
    let arg = [column_arg(Type::Long)];
    assert_eq!(compute("count", &table, &[]), [Value::Long(0)]);
    assert_eq!(compute("sum", &table, &arg), [Value::Long(0)]);
    assert_eq!(compute("max", &table, &arg), [Value::Null]);
    assert_eq!(
        compute("make_list", &table, &arg)[0].to_kusto_string(),
        "[]"
    );
}

#[test]
fn make_list_respects_max_size() {
    let table = longs(&[Some(1), Some(2), Some(3)]);
    let args = [column_arg(Type::Long), literal(Value::Long(2), Type::Long)];
    assert_eq!(
        compute("make_list", &table, &args)[0].to_kusto_string(),
        "[1,2]"
    );
}

// Nearest-rank percentiles of 1..=10: the 50th is 5, the 95th is 10, the 0th is 1.
#[test]
fn percentiles_nearest_rank() {
    let table = longs(&(1..=10).map(Some).collect::<Vec<_>>());
    let args = [
        column_arg(Type::Long),
        literal(Value::Long(0), Type::Long),
        literal(Value::Long(50), Type::Long),
        literal(Value::Real(95.0), Type::Real),
    ];
    assert_eq!(
        compute("percentiles", &table, &args),
        [Value::Long(1), Value::Long(5), Value::Long(10)]
    );
}

// Sample variance of 1, 2, 3, 4 is 5/3; population variance is 5/4.
#[test]
fn variance_and_stdev() {
    let table = longs(&[Some(1), Some(2), Some(3), Some(4)]);
    let arg = [column_arg(Type::Long)];
    assert_eq!(compute("variance", &table, &arg), [Value::Real(5.0 / 3.0)]);
    assert_eq!(compute("variancep", &table, &arg), [Value::Real(1.25)]);
    assert_eq!(
        compute("stdevp", &table, &arg),
        [Value::Real(1.25f64.sqrt())]
    );
}

#[test]
fn take_any_prefers_non_empty() {
    let table = column_table(
        vec![Value::from(""), Value::from("b"), Value::from("c")],
        Type::String,
    );
    assert_eq!(
        compute("take_any", &table, &[column_arg(Type::String)]),
        [Value::from("b")]
    );
}

#[test]
fn catalog_names_are_unique_and_sorted() {
    let names: Vec<&str> = all().iter().map(|aggregate| aggregate.name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted);
    for name in KNOWN_UNSUPPORTED {
        assert!(
            lookup(name).is_none(),
            "{name} is both supported and unsupported"
        );
    }
}

fn run(query: &str) -> Table {
    crate::engine::Session::new()
        .run(query)
        .unwrap_or_else(|error| panic!("query failed:\n{}", error.render(query, "test")))
}

fn single_cell(query: &str) -> String {
    let table = run(query);
    table.columns[0][0].to_kusto_string()
}

// learn.microsoft.com/kusto/query/binary-all-xor-aggregation-function
#[test]
fn binary_all_xor_reference_example() {
    let query = "datatable(num:long) [0x44404440, 0x1E1E1E1E, 0x90ABBA09, 0x000B105A] \
                 | summarize result = toupper(tohex(binary_all_xor(num)))";
    assert_eq!(single_cell(query), "CAFEF00D");
}

#[test]
fn binary_all_and_or_skip_nulls() {
    let table = longs(&[Some(0b1110), None, Some(0b0111)]);
    let arg = [column_arg(Type::Long)];
    assert_eq!(
        compute("binary_all_and", &table, &arg),
        [Value::Long(0b0110)]
    );
    assert_eq!(
        compute("binary_all_or", &table, &arg),
        [Value::Long(0b1111)]
    );
    assert_eq!(
        compute("binary_all_xor", &table, &arg),
        [Value::Long(0b1001)]
    );
    let nulls = longs(&[None, None]);
    assert_eq!(compute("binary_all_or", &nulls, &arg), [Value::Null]);
}

// learn.microsoft.com/kusto/query/make-bag-if-aggregation-function
#[test]
fn make_bag_if_reference_example() {
    let query = r#"datatable(prop:string, value:string, predicate:bool)
        ["prop01", "val_a", true, "prop02", "val_b", false, "prop03", "val_c", true]
        | extend p = bag_pack(prop, value)
        | summarize dict = make_bag_if(p, predicate)"#;
    assert_eq!(single_cell(query), r#"{"prop01":"val_a","prop03":"val_c"}"#);
}

// learn.microsoft.com/kusto/query/make-list-with-nulls-aggregation-function
#[test]
fn make_list_with_nulls_reference_example() {
    let query = r#"datatable(name:string, sideCount:int)
        ["triangle", int(null), "square", 4, "rectangle", 4, "pentagon", 5, "hexagon", 6,
         "heptagon", 7, "octagon", 8, "nonagon", 9, "decagon", 10]
        | summarize mylist = make_list_with_nulls(sideCount)"#;
    assert_eq!(single_cell(query), "[null,4,4,5,6,7,8,9,10]");
}

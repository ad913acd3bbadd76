//! String functions: `strlen`, `tolower`, `toupper`, `strcat`.

use super::{EvalContext, Function};
use crate::value::{Type, Value};

fn to_long(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Long)
}

fn to_string(_: &[Type]) -> Result<Type, String> {
    Ok(Type::String)
}

/// `strlen(text)`: the number of Unicode code points
/// (learn.microsoft.com/kusto/query/strlen-function).
fn strlen(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = args[0].to_kusto_string();
    Ok(Value::Long(text.chars().count() as i64))
}

fn tolower(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(args[0].to_kusto_string().to_lowercase()))
}

fn toupper(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(args[0].to_kusto_string().to_uppercase()))
}

/// `strcat(a, b, …)`: each argument converted as `tostring` does, then joined.
fn strcat(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut joined = String::new();
    for value in args {
        joined.push_str(&value.to_kusto_string());
    }
    Ok(Value::from(joined))
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "strlen",
        signature: "strlen(text: string) -> long",
        min_args: 1,
        max_args: 1,
        result_type: to_long,
        eval: strlen,
    },
    Function {
        name: "tolower",
        signature: "tolower(text: string) -> string",
        min_args: 1,
        max_args: 1,
        result_type: to_string,
        eval: tolower,
    },
    Function {
        name: "toupper",
        signature: "toupper(text: string) -> string",
        min_args: 1,
        max_args: 1,
        result_type: to_string,
        eval: toupper,
    },
    Function {
        name: "strcat",
        signature: "strcat(value1, value2, …) -> string",
        min_args: 1,
        max_args: 64,
        result_type: to_string,
        eval: strcat,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    #[test]
    fn strlen_counts_code_points() {
        assert_eq!(
            call(strlen, &[Value::from("Hello, world!")]),
            Value::Long(13)
        );
        assert_eq!(call(strlen, &[Value::from("é")]), Value::Long(1));
    }

    #[test]
    fn strcat_converts_arguments() {
        let args = [Value::from("port "), Value::Long(445), Value::Null];
        assert_eq!(call(strcat, &args), Value::from("port 445"));
    }

    #[test]
    fn case_conversion() {
        assert_eq!(
            call(tolower, &[Value::from("InBound")]),
            Value::from("inbound")
        );
        assert_eq!(call(toupper, &[Value::from("in")]), Value::from("IN"));
    }
}

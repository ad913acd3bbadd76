//! Hash functions: `hash_md5`, `hash_sha1` and `hash_sha256` over the UTF-8 bytes of
//! a string, as lowercase hex (learn.microsoft.com/kusto/query/hash-sha256-function).
//!
//! NOTE: `hash()` is not here: the reference names xxhash64 but not how non-string
//! values are turned into bytes, so it stays unsupported rather than guessed.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::{EvalContext, Function, TEXT};
use crate::value::{Type, Value};

fn text_to_string(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "the value to hash")?;
    Ok(Type::String)
}

fn hex_digest<D: Digest>(value: &Value) -> Value {
    let digest = D::digest(value.to_kusto_string().as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Value::from(hex)
}

/// `hash_md5(text)` (learn.microsoft.com/kusto/query/hash-md5-function).
fn hash_md5(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(hex_digest::<Md5>(&args[0]))
}

/// `hash_sha1(text)` (learn.microsoft.com/kusto/query/hash-sha1-function).
fn hash_sha1(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(hex_digest::<Sha1>(&args[0]))
}

/// `hash_sha256(text)` (learn.microsoft.com/kusto/query/hash-sha256-function).
fn hash_sha256(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(hex_digest::<Sha256>(&args[0]))
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new(
        "hash_md5",
        "hash_md5(text: string) -> string",
        (1, 1),
        text_to_string,
        hash_md5,
    ),
    Function::new(
        "hash_sha1",
        "hash_sha1(text: string) -> string",
        (1, 1),
        text_to_string,
        hash_sha1,
    ),
    Function::new(
        "hash_sha256",
        "hash_sha256(text: string) -> string",
        (1, 1),
        text_to_string,
        hash_sha256,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, text: &str) -> String {
        function(&[Value::from(text)], &EvalContext::for_tests())
            .expect("call succeeds")
            .to_kusto_string()
    }

    // Digests of "World" from learn.microsoft.com/kusto/query/hash-md5-function,
    // hash-sha1-function and hash-sha256-function.
    #[test]
    fn digests_of_reference_input() {
        assert_eq!(call(hash_md5, "World"), "f5a7924e621e84c9280a9a27e1bcb7f6");
        assert_eq!(
            call(hash_sha1, "World"),
            "70c07ec18ef89c5309bbb0937f3a6342411e1fdd"
        );
        assert_eq!(
            call(hash_sha256, "World"),
            "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"
        );
    }

    #[test]
    fn empty_input_digest() {
        assert_eq!(call(hash_md5, ""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}

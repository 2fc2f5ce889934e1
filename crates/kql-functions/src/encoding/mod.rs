//! Encodings and hashes: base64 ([`b64`]), gzip and zlib ([`compress`]), URL
//! percent-encoding ([`url`]), and the hash
//! functions ([`hash`]). (`url_decode` is in `crate::text`.)

pub mod b64;
pub mod compress;
pub mod hash;
pub mod url;

use crate::dynamic::to_dynamic_expr;
use crate::registry::{
    Arg, CheckResult, Function, FunctionKind, arg_type, cast_to, expect_count, expect_type,
};
use crate::strings::{build_strings, string_arg};
use crate::text::text_arg;
use crate::udf::{Kernel, call_kernel};
use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use kql_syntax::ScalarType;

fn check_one(args: &[Arg], result: ScalarType) -> CheckResult {
    expect_count(args, 1, 1, "1")?;
    Ok(result)
}

/// The single argument as text.
fn text_args(exprs: Vec<Expr>, args: &[Arg]) -> Vec<Expr> {
    exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| text_arg(e, arg_type(args, i)))
        .collect()
}

/// One-argument text function: `name(text) → ret`.
macro_rules! text_function {
    ($name:literal, $aliases:expr, $ty:expr, $ret:expr, $nullable:expr, $kernel:expr) => {
        Function {
            name: $name,
            aliases: $aliases,
            kind: FunctionKind::Scalar,
            check: |args| check_one(args, $ty),
            lower: |exprs, args| {
                let kernel: Kernel = $kernel;
                Ok(call_kernel(
                    $name,
                    "",
                    $ret,
                    $nullable,
                    kernel,
                    text_args(exprs, args),
                ))
            },
        }
    };
}

fn url_encode_kernel(args: &[ArrayRef], rows: usize, plus: bool) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        out.push_str(&url::url_encode(s.get(i), plus))
    }))
}

/// `hash(value[, mod])`: any scalar, and an integer modulus.
fn check_hash(args: &[Arg]) -> CheckResult {
    expect_count(args, 1, 2, "1 or 2")?;
    expect_type(args, 1, &[ScalarType::Int, ScalarType::Long], "an integer")?;
    Ok(ScalarType::Long)
}

/// `dynamic` values are hashed by their text; the modulus as `long`.
fn lower_hash(exprs: Vec<Expr>, args: &[Arg]) -> Result<Expr> {
    let exprs = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| match (i, arg_type(args, i)) {
            (0, ScalarType::Dynamic) => text_arg(e, ScalarType::Dynamic),
            (0, _) => e,
            (_, ty) => cast_to(e, ty, ScalarType::Long),
        })
        .collect();
    Ok(call_kernel(
        "hash",
        "",
        DataType::Int64,
        true,
        hash::hash_kernel,
        exprs,
    ))
}

macro_rules! digest_function {
    ($name:literal, $algorithm:expr) => {
        Function {
            name: $name,
            aliases: &[],
            kind: FunctionKind::Scalar,
            check: |args| check_one(args, ScalarType::String),
            lower: |exprs, args| {
                let exprs = exprs
                    .into_iter()
                    .map(|e| match arg_type(args, 0) {
                        ScalarType::Dynamic => text_arg(e, ScalarType::Dynamic),
                        _ => e,
                    })
                    .collect();
                Ok(call_kernel(
                    $name,
                    "",
                    DataType::Utf8,
                    false,
                    |a, r| hash::digest_kernel(a, r, $algorithm),
                    exprs,
                ))
            },
        }
    };
}

fn compress_kernel(args: &[ArrayRef], rows: usize, format: compress::Format) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(text) = compress::compress_to_base64(s.get(i), format) {
            out.push_str(&text);
        }
    }))
}

fn decompress_kernel(args: &[ArrayRef], rows: usize, format: compress::Format) -> Result<ArrayRef> {
    let s = string_arg(args, 0)?;
    Ok(build_strings(rows, |i, out| {
        if let Some(text) = compress::decompress_from_base64(s.get(i), format) {
            out.push_str(&text);
        }
    }))
}

/// The encoding and hash functions.
pub(crate) static FUNCTIONS: &[Function] = &[
    Function {
        name: "hash",
        aliases: &["hash_xxhash64"],
        kind: FunctionKind::Scalar,
        check: check_hash,
        lower: lower_hash,
    },
    digest_function!("hash_md5", hash::Algorithm::Md5),
    digest_function!("hash_sha1", hash::Algorithm::Sha1),
    digest_function!("hash_sha256", hash::Algorithm::Sha256),
    text_function!(
        "base64_encode_tostring",
        &["base64_encodestring"],
        ScalarType::String,
        DataType::Utf8,
        false,
        b64::encode_tostring
    ),
    text_function!(
        "base64_decode_tostring",
        &["base64_decodestring"],
        ScalarType::String,
        DataType::Utf8,
        false,
        b64::decode_tostring
    ),
    text_function!(
        "base64_decode_toarray",
        &[],
        ScalarType::Dynamic,
        DataType::Utf8,
        true,
        b64::decode_toarray
    ),
    text_function!(
        "base64_decode_toguid",
        &[],
        ScalarType::Guid,
        DataType::Utf8,
        true,
        b64::decode_toguid
    ),
    text_function!(
        "base64_encode_fromguid",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        b64::encode_fromguid
    ),
    Function {
        name: "base64_encode_fromarray",
        aliases: &[],
        kind: FunctionKind::Scalar,
        check: |args| {
            expect_count(args, 1, 1, "1")?;
            expect_type(args, 0, &[ScalarType::Dynamic], "dynamic")?;
            Ok(ScalarType::String)
        },
        lower: |exprs, args| {
            let exprs = exprs
                .into_iter()
                .map(|e| to_dynamic_expr(e, arg_type(args, 0)))
                .collect();
            Ok(call_kernel(
                "base64_encode_fromarray",
                "",
                DataType::Utf8,
                false,
                b64::encode_fromarray,
                exprs,
            ))
        },
    },
    text_function!(
        "gzip_compress_to_base64_string",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        |a, r| compress_kernel(a, r, compress::Format::Gzip)
    ),
    text_function!(
        "gzip_decompress_from_base64_string",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        |a, r| decompress_kernel(a, r, compress::Format::Gzip)
    ),
    text_function!(
        "zlib_compress_to_base64_string",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        |a, r| compress_kernel(a, r, compress::Format::Zlib)
    ),
    text_function!(
        "zlib_decompress_from_base64_string",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        |a, r| decompress_kernel(a, r, compress::Format::Zlib)
    ),
    text_function!(
        "url_encode",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        |a, r| url_encode_kernel(a, r, true)
    ),
    text_function!(
        "url_encode_component",
        &[],
        ScalarType::String,
        DataType::Utf8,
        false,
        |a, r| url_encode_kernel(a, r, false)
    ),
];

#[cfg(test)]
mod tests;

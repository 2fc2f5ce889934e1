//! Errors that stop reading. Bad *records* are not errors: they are reported
//! ([`crate::BadRecord`]) and reading goes on, unless `strict` turns the first one into
//! [`SourceError::Strict`].

use crate::record::BadRecord;
use std::path::PathBuf;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A path given on the command line does not exist or cannot be opened.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path (`-` for standard input).
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A compressed input is corrupt.
    #[error("cannot decompress {path}: {source}")]
    Decompress {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        #[source]
        source: std::io::Error,
    },
    /// `--strict`: the first bad record.
    #[error("bad record (strict mode): {0}")]
    Strict(Box<BadRecord>),
    /// Standard input was asked for twice; it can be read only once.
    #[error("standard input can be read only once")]
    StdinReused,
    /// A format that needs random access (Parquet) was given on standard input.
    #[error("{format} cannot be read from standard input; give a file path")]
    NotStreamable {
        /// The format.
        format: &'static str,
    },
    /// A table name kqlhunt has no schema for.
    #[error("unknown table {0}")]
    UnknownTable(String),
    /// A projection index outside the table.
    #[error("projection index {index} is outside table {table}")]
    BadProjection {
        /// Table.
        table: String,
        /// The offending index.
        index: usize,
    },
    /// Building or casting Arrow data failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
    /// Reading or writing Parquet failed.
    #[error("parquet {path}: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// A built-in field mapping does not compile (a bug the mapping tests catch).
    #[error(transparent)]
    Mapping(#[from] crate::mapping::MappingError),
    /// The consumer of the batches went away (a query was cancelled).
    #[error("reading stopped: the consumer is gone")]
    Cancelled,
}

impl SourceError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SourceError::Io {
            path: path.into(),
            source,
        }
    }
}

//! Streaming result writers.

use super::cell::{Cell, cell};
use arrow::record_batch::RecordBatch;
use kql_plan::OutputColumn;
use std::io::Write;

/// Receives a result batch by batch.
pub trait ResultWriter {
    /// Called once before the first batch.
    fn begin(&mut self, columns: &[OutputColumn]) -> std::io::Result<()>;
    /// Called for each batch, in order.
    fn batch(&mut self, batch: &RecordBatch) -> std::io::Result<()>;
    /// Called once at the end.
    fn finish(&mut self) -> std::io::Result<()>;
}

fn rows(batch: &RecordBatch, columns: &[OutputColumn]) -> impl Iterator<Item = Vec<Cell>> {
    let cols: Vec<(arrow::array::ArrayRef, kql_syntax::ScalarType)> = batch
        .columns()
        .iter()
        .zip(columns)
        .map(|(a, c)| (a.clone(), c.ty))
        .collect();
    (0..batch.num_rows()).map(move |r| {
        cols.iter()
            .map(|(a, ty)| cell(a.as_ref(), r, *ty))
            .collect()
    })
}

/// One JSON object per row, keys in column order.
pub struct JsonlWriter<W: Write> {
    out: W,
    columns: Vec<OutputColumn>,
}

impl<W: Write> JsonlWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            columns: Vec::new(),
        }
    }
}

impl<W: Write> ResultWriter for JsonlWriter<W> {
    fn begin(&mut self, columns: &[OutputColumn]) -> std::io::Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn batch(&mut self, batch: &RecordBatch) -> std::io::Result<()> {
        for row in rows(batch, &self.columns) {
            let mut obj = serde_json::Map::with_capacity(row.len());
            for (c, v) in self.columns.iter().zip(row) {
                obj.insert(c.name.clone(), v.to_json());
            }
            serde_json::to_writer(&mut self.out, &serde_json::Value::Object(obj))?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// CSV with a header row.
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    columns: Vec<OutputColumn>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        Self {
            out: csv::Writer::from_writer(out),
            columns: Vec::new(),
        }
    }
}

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl<W: Write> ResultWriter for CsvWriter<W> {
    fn begin(&mut self, columns: &[OutputColumn]) -> std::io::Result<()> {
        self.columns = columns.to_vec();
        self.out
            .write_record(columns.iter().map(|c| c.name.as_str()))
            .map_err(csv_err)
    }

    fn batch(&mut self, batch: &RecordBatch) -> std::io::Result<()> {
        for row in rows(batch, &self.columns) {
            self.out
                .write_record(row.iter().map(Cell::to_text))
                .map_err(csv_err)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Aligned columns; rows are buffered to compute widths.
pub struct TableWriter<W: Write> {
    out: W,
    columns: Vec<OutputColumn>,
    rows: Vec<Vec<String>>,
}

impl<W: Write> TableWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }
}

impl<W: Write> ResultWriter for TableWriter<W> {
    fn begin(&mut self, columns: &[OutputColumn]) -> std::io::Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn batch(&mut self, batch: &RecordBatch) -> std::io::Result<()> {
        for row in rows(batch, &self.columns) {
            self.rows.push(
                row.iter()
                    .map(|c| c.to_text().replace(['\n', '\r'], " "))
                    .collect(),
            );
        }
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        let mut widths: Vec<usize> = self
            .columns
            .iter()
            .map(|c| c.name.chars().count())
            .collect();
        for r in &self.rows {
            for (w, v) in widths.iter_mut().zip(r) {
                *w = (*w).max(v.chars().count());
            }
        }
        let line = |cells: Vec<&str>| -> String {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        writeln!(
            self.out,
            "{}",
            line(self.columns.iter().map(|c| c.name.as_str()).collect())
        )?;
        writeln!(
            self.out,
            "{}",
            widths
                .iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .join("  ")
        )?;
        for r in &self.rows {
            writeln!(self.out, "{}", line(r.iter().map(String::as_str).collect()))?;
        }
        writeln!(
            self.out,
            "({} row{})",
            self.rows.len(),
            if self.rows.len() == 1 { "" } else { "s" }
        )?;
        self.out.flush()
    }
}

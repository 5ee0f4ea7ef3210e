//! Spreadsheets people fill in (the employment report, account lists): columns found by their
//! header names, with the aliases schools use, and errors that point at a row and a column.

/// What is wrong where: the spreadsheet row (1 = the header), the column, why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// The problems found in one row, each under its column's header.
pub struct RowProblems {
    row: usize,
    errors: Vec<RowError>,
}

impl RowProblems {
    pub fn new(row: usize) -> Self {
        Self {
            row,
            errors: Vec::new(),
        }
    }

    pub fn add(&mut self, column: impl SheetColumn, reason: impl Into<String>) {
        self.errors.push(RowError {
            row: self.row,
            column: column.header().to_string(),
            reason: reason.into(),
        });
    }

    /// The value, or `None` with its message noted under `column`.
    pub fn take<T>(
        &mut self,
        column: impl SheetColumn,
        parsed: Result<T, super::Invalid>,
    ) -> Option<T> {
        parsed.map_err(|e| self.add(column, e.message)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<RowError> {
        self.errors
    }
}

/// A column of one kind of sheet.
pub trait SheetColumn: Copy + PartialEq + 'static {
    /// Every column, in the template's order.
    fn all() -> &'static [Self];
    /// Header names seen in the wild, the template's first.
    fn aliases(self) -> &'static [&'static str];
    fn required(self) -> bool;

    /// The header of the downloadable template.
    fn header(self) -> &'static str {
        self.aliases()[0]
    }
}

fn of_header<C: SheetColumn>(header: &str) -> Option<C> {
    let header = header.trim().trim_start_matches('\u{feff}').trim();
    C::all()
        .iter()
        .copied()
        .find(|column| column.aliases().contains(&header))
}

/// Where each column is in the file.
#[derive(Debug, Clone)]
pub struct Layout<C>(Vec<(C, usize)>);

impl<C: SheetColumn> Layout<C> {
    /// Read the header row; every missing required column is an error on row 1.
    pub fn parse(headers: &[String]) -> Result<Self, Vec<RowError>> {
        let mut found: Vec<(C, usize)> = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            if let Some(column) = of_header::<C>(header) {
                if !found.iter().any(|(c, _)| *c == column) {
                    found.push((column, index));
                }
            }
        }
        let missing: Vec<RowError> = C::all()
            .iter()
            .copied()
            .filter(|c| c.required() && !found.iter().any(|(f, _)| f == c))
            .map(|c| RowError {
                row: 1,
                column: c.header().to_string(),
                reason: format!(
                    "缺少“{}”列（可用表头：{}）",
                    c.header(),
                    c.aliases().join("、")
                ),
            })
            .collect();
        if missing.is_empty() {
            Ok(Self(found))
        } else {
            Err(missing)
        }
    }

    /// The trimmed cell of a column in a row; empty when the column or cell is absent.
    pub fn cell<'a>(&self, cells: &'a [String], column: C) -> &'a str {
        self.0
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, i)| cells.get(*i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

//! The spreadsheet reader on arbitrary bytes: as an upload (CSV or zip), and as the sheet XML
//! of a sound workbook. See fuzz/README.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fudao::infra::sheet_file::fuzz_one(data);
});

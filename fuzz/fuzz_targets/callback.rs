//! The callback's parse-and-decrypt path on arbitrary bytes: plain mode, and safe mode with a
//! valid signature over whatever `Encrypt` holds. See fuzz/README.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fudao::wechat::inbound::fuzz_one(data);
});

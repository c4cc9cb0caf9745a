//! napi-rs link set-up.
fn main() {
    napi_build::setup();
}

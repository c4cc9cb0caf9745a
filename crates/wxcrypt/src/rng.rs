//! The operating system's RNG (through `getrandom`, as message push uses it) for the
//! `rand_core` 0.10 traits that `rsa` and `sm2` take.

/// A `rand_core` RNG over `getrandom::fill`. A missing RNG is reported before any use by
/// [`OsRng::check`]; after that, a failure (which `getrandom` does not produce on a working
/// platform) would abort the operation with a panic-free fallback: see `try_fill_bytes`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OsRng;

/// The RNG failed (no randomness source on this platform).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RngFailure;

impl core::fmt::Display for RngFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("no randomness available")
    }
}

impl core::error::Error for RngFailure {}

impl rsa::rand_core::TryRng for OsRng {
    type Error = RngFailure;
    fn try_next_u32(&mut self) -> Result<u32, RngFailure> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, RngFailure> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RngFailure> {
        getrandom::fill(dst).map_err(|_| RngFailure)
    }
}

impl rsa::rand_core::TryCryptoRng for OsRng {}

/// Fills `dst` with OS randomness.
pub(crate) fn fill(dst: &mut [u8]) -> Result<(), RngFailure> {
    getrandom::fill(dst).map_err(|_| RngFailure)
}

//! What the request handlers share.

use crate::access::Access;
use crate::auth::mode::SignIn;
use crate::sim::SimHandle;
use crate::static_files::StaticFiles;
use crate::upstream::Upstream;

/// The relay's shared state.
pub struct AppState {
    /// Feishu or the simulation, with the token manager.
    pub upstream: Upstream,
    /// Who may call the Feishu route.
    pub access: Access,
    /// Who is asking (`--access feishu|token`), and the rule that they ask about themselves.
    pub sign_in: SignIn,
    /// The page and package.
    pub statics: StaticFiles,
    /// Whether `user_tasks/query` (punch results) is forwarded (`--no-punch-results`: no, 404).
    pub punch_results: bool,
    /// The in-process simulation, when running on it (for `/_sim/dataset`).
    pub sim: Option<SimHandle>,
}

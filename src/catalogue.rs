//! Every error code a caller of `query_user_allowed_remedys` can meet, with what it means and what a
//! person can do about it, in Chinese and English.
//!
//! Three sources: the endpoint's own table, the platform codes any Feishu call can return, and the
//! relay's own refusals (route, size, access, upstream trouble), which use a range Feishu does not.
//! A fourth, Feishu's sign-in codes, which only the relay meets, has a table of its own that the
//! browser build leaves out ([`SIGN_IN_ENTRIES`]).

/// A text in both languages the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

/// Who can act on an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// The request itself is wrong: fix the input.
    CallerInput,
    /// The app, relay key or data scope lacks permission: an administrator must grant it.
    Permission,
    /// Feishu's attendance rules say no: nothing to fix, only to explain.
    BusinessRule,
    /// Too many requests: wait and retry.
    RateLimit,
    /// The tenant token or app credentials: a relay operator must look.
    Token,
    /// Feishu or the relay failed: retry later, report the log id if it persists.
    Server,
    /// The network between page and relay, or a timeout.
    Network,
    /// The caller cancelled.
    Cancelled,
    /// A code this catalogue does not know.
    Unknown,
}

impl Category {
    /// Every category, for exhaustive tests and documentation.
    pub const ALL: [Category; 9] = [
        Category::CallerInput,
        Category::Permission,
        Category::BusinessRule,
        Category::RateLimit,
        Category::Token,
        Category::Server,
        Category::Network,
        Category::Cancelled,
        Category::Unknown,
    ];

    /// A stable machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::CallerInput => "caller_input",
            Category::Permission => "permission",
            Category::BusinessRule => "business_rule",
            Category::RateLimit => "rate_limit",
            Category::Token => "token",
            Category::Server => "server",
            Category::Network => "network",
            Category::Cancelled => "cancelled",
            Category::Unknown => "unknown",
        }
    }
}

/// Where a code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The endpoint's own table.
    Endpoint,
    /// Feishu's gateway, for any API.
    Platform,
    /// This project's relay.
    Relay,
    /// Feishu's sign-in service (`authen`: the authorize page, the code exchange, `user_info`),
    /// met by the relay when it signs an employee in.
    SignIn,
    /// Not in the catalogue.
    Unknown,
}

/// One known error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Feishu's (or the relay's) `code`.
    pub code: i64,
    /// The HTTP status documented with it.
    pub http_status: u16,
    /// Who can act on it.
    pub category: Category,
    /// Where the code comes from.
    pub origin: Origin,
    /// The `msg` Feishu documents for it (what the simulation and the relay send). Empty in the
    /// browser build (wasm32), which never reads it: a page shows the `msg` each reply carries,
    /// and leaving these texts out saves about 1 KB of the module's size budget.
    pub feishu_msg: &'static str,
    /// What happened.
    pub meaning: Text,
    /// What to do.
    pub action: Text,
    /// Whether the same request can succeed later.
    pub retryable: bool,
}

/// 1226501: no abnormal attendance that day. A normal answer for a person, not a failure.
pub const NOTHING_TO_CORRECT: i64 = 1_226_501;
/// 1226502: the attendance group forbids corrections (so every other day will say the same).
pub const GROUP_FORBIDS: i64 = 1_226_502;
/// 1226504: no corrections left in this cycle (so later days will say the same).
pub const QUOTA_USED_UP: i64 = 1_226_504;
/// 1220001: invalid parameter; the relay's validation refusals use it too, as Feishu would.
pub const INVALID_PARAM: i64 = 1_220_001;
/// 99991400: rate limited.
pub const RATE_LIMITED: i64 = 99_991_400;
/// 99991661: no Authorization header.
pub const TOKEN_MISSING: i64 = 99_991_661;
/// 99991663: the tenant access token is invalid or expired.
pub const TOKEN_INVALID: i64 = 99_991_663;
/// 99991664: the app access token is invalid.
pub const APP_TOKEN_INVALID: i64 = 99_991_664;
/// 99991671: the token is malformed.
pub const TOKEN_MALFORMED: i64 = 99_991_671;
/// 99991543: app_id or app_secret is wrong.
pub const BAD_CREDENTIALS: i64 = 99_991_543;

/// Relay: `open` mode refused a request addressed to a host name it does not serve (HTTP 403),
/// which is how a DNS-rebinding page would reach a loopback relay.
pub const RELAY_HOST_REFUSED: i64 = 98_000_403;
/// Relay: no such route (HTTP 404).
pub const RELAY_NOT_FOUND: i64 = 98_000_404;
/// Relay: method not allowed (HTTP 405).
pub const RELAY_METHOD: i64 = 98_000_405;
/// Relay: body too large (HTTP 413).
pub const RELAY_TOO_LARGE: i64 = 98_000_413;
/// Relay: wrong content type (HTTP 415).
pub const RELAY_CONTENT_TYPE: i64 = 98_000_415;
/// Relay: the request's body did not arrive in time (HTTP 408).
pub const RELAY_REQUEST_TIMEOUT: i64 = 98_000_408;
/// Relay: missing or wrong API key (HTTP 401).
pub const RELAY_UNAUTHORIZED: i64 = 98_000_401;
/// Relay (`feishu` and `token` access): no session or signed token, or one that is invalid or
/// expired (HTTP 401). In `feishu` mode the reply names where to sign in.
pub const RELAY_SIGN_IN_REQUIRED: i64 = 98_000_441;
/// Relay (`feishu` and `token` access): the request asks about someone else's punches and the
/// signed-in person is not an admin (HTTP 403). Nothing was sent to Feishu.
pub const RELAY_NOT_YOUR_OWN: i64 = 98_000_443;
/// Relay: Feishu's per-app rate limit is in use and the request waited in the relay's queue as
/// long as it may (HTTP 429, with `x-ogw-ratelimit-reset`); Feishu itself was not asked.
pub const RELAY_RATE_LIMITED: i64 = 98_000_429;
/// Relay: Feishu's reply is larger than the relay accepts (HTTP 502); asking again gets the same.
pub const RELAY_REPLY_TOO_LARGE: i64 = 98_000_507;
/// Relay: Feishu unreachable (HTTP 502).
pub const RELAY_UPSTREAM_DOWN: i64 = 98_000_502;
/// Relay: Feishu refused the app's credentials when the relay asked for a token (HTTP 502).
pub const RELAY_TOKEN_REFUSED: i64 = 98_000_503;
/// Relay: Feishu did not answer in time (HTTP 504).
pub const RELAY_UPSTREAM_TIMEOUT: i64 = 98_000_504;

/// Whether an upstream code means "this token is no good": the relay drops its cached token,
/// gets a new one, and retries once.
pub fn is_stale_token(code: i64) -> bool {
    matches!(code, TOKEN_INVALID | APP_TOKEN_INVALID | TOKEN_MALFORMED)
}

const fn t(zh: &'static str, en: &'static str) -> Text {
    Text { zh, en }
}

#[allow(clippy::too_many_arguments)]
const fn e(
    code: i64,
    http_status: u16,
    category: Category,
    origin: Origin,
    feishu_msg: &'static str,
    meaning: Text,
    action: Text,
    retryable: bool,
) -> Entry {
    Entry {
        code,
        http_status,
        category,
        origin,
        // Only native builds (the relay, its simulation, the tests) read it; see the field.
        feishu_msg: if cfg!(target_arch = "wasm32") {
            ""
        } else {
            feishu_msg
        },
        meaning,
        action,
        retryable,
    }
}

use Category as C;
use Origin as O;

/// Every code a caller of the endpoint can meet: the endpoint's first, then the platform's, then
/// the relay's. Feishu's sign-in codes are in [`SIGN_IN_ENTRIES`].
#[rustfmt::skip]
pub static ENTRIES: &[Entry] = &[
    e(INVALID_PARAM, 400, C::CallerInput, O::Endpoint, "param is invalid",
      t("请求参数无效", "A request parameter is invalid"),
      t("按返回信息检查参数，例如 employee_type 只能是 employee_id 或 employee_no", "Check the parameter the message names; employee_type must be employee_id or employee_no"),
      false),
    e(1_220_002, 400, C::Token, O::Endpoint, "tenant_id is empty",
      t("找不到租户", "The tenant could not be identified"),
      t("请中继管理员检查 tenant_access_token 是否属于正确的企业", "Ask the relay's operator to check that the tenant_access_token belongs to the right company"),
      false),
    e(1_220_004, 400, C::CallerInput, O::Endpoint, "user_id is not exist or does not have permission",
      t("用户不存在或无权查看", "The user does not exist, or is not visible to this app"),
      t("检查用户 ID 是否正确，以及 employee_type 是否与之匹配", "Check the user ID, and that employee_type matches the kind of ID given"),
      false),
    e(1_220_005, 400, C::Permission, O::Endpoint, "no permission",
      t("没有权限查看该用户的考勤数据", "No permission to see this user's attendance data"),
      t("请管理员在考勤管理后台检查应用的数据权限范围", "Ask an administrator to check the app's data-permission scope in the attendance admin console"),
      false),
    e(1_225_000, 500, C::Server, O::Endpoint, "internal server error",
      t("飞书系统错误", "Feishu had an internal error"),
      t("稍后重试；如持续出现，请把日志 ID 提供给管理员", "Retry later; if it persists, give the log id to an administrator"),
      true),
    e(1_226_500, 500, C::Server, O::Endpoint, "punch service error",
      t("打卡服务错误（历史错误码）", "The punch service failed (historic code)"),
      t("稍后重试；如持续出现，请把日志 ID 提供给管理员", "Retry later; if it persists, give the log id to an administrator"),
      true),
    e(NOTHING_TO_CORRECT, 400, C::BusinessRule, O::Endpoint, "no need remedy",
      t("当天没有异常考勤，无需补卡", "Nothing to correct: attendance that day is in order"),
      t("无需操作", "Nothing to do"),
      false),
    e(GROUP_FORBIDS, 400, C::BusinessRule, O::Endpoint, "not allowed remedy",
      t("所在考勤组不允许补卡", "Your attendance group does not allow corrections"),
      t("无法在此补卡；如有疑问请联系考勤管理员", "Corrections cannot be made here; ask your attendance administrator if in doubt"),
      false),
    e(1_226_503, 400, C::BusinessRule, O::Endpoint, "approval time beyond the time range",
      t("已超出可补卡的日期范围", "This date is beyond the correction window"),
      t("考勤组只允许补最近若干天的卡，请选择更近的日期", "Your group only allows correcting recent days; choose a more recent date"),
      false),
    e(QUOTA_USED_UP, 400, C::BusinessRule, O::Endpoint, "no remedy time left",
      t("本周期的补卡次数已用完", "No corrections left in the current cycle"),
      t("等下一个周期，或联系考勤管理员", "Wait for the next cycle, or ask your attendance administrator"),
      false),
    // HTTP 500, yet not retried: Feishu's own example ("not find user larkID") is a data problem
    // that the same request meets again; the message and the log id are what help.
    e(1_227_500, 500, C::Server, O::Endpoint, "shift service error",
      t("班次或组织服务错误", "The shift or organisation service failed"),
      t("查看飞书返回的信息（例如找不到用户），并把日志 ID 提供给管理员", "Read Feishu's message (e.g. user not found) and give the log id to an administrator"),
      false),
    e(1_220_600, 400, C::BusinessRule, O::Endpoint, "generic error",
      t("考勤通用错误", "Attendance refused the request"),
      t("查看飞书返回的信息了解原因", "Read Feishu's message for the reason"),
      false),
    e(RATE_LIMITED, 429, C::RateLimit, O::Platform, "request trigger frequency limit",
      t("请求过于频繁", "Too many requests"),
      t("稍等片刻后重试", "Wait a moment, then retry"),
      true),
    e(BAD_CREDENTIALS, 400, C::Token, O::Platform, "app_id or app_secret is invalid",
      t("应用凭证错误", "The app's credentials are wrong"),
      t("请中继管理员检查 FEISHU_APP_ID 和 FEISHU_APP_SECRET", "Ask the relay's operator to check FEISHU_APP_ID and FEISHU_APP_SECRET"),
      false),
    e(TOKEN_MISSING, 400, C::Token, O::Platform, "Missing access token for authorization",
      t("请求缺少访问凭证", "The request carried no access token"),
      t("请中继管理员检查中继配置", "Ask the relay's operator to check its configuration"),
      false),
    e(99_991_662, 400, C::Permission, O::Platform, "app is not enabled in this tenant",
      t("应用未在本企业启用", "The app is not enabled in this company"),
      t("请管理员在飞书管理后台启用该应用", "Ask an administrator to enable the app in the Feishu admin console"),
      false),
    e(TOKEN_INVALID, 400, C::Token, O::Platform, "Invalid access token for authorization",
      t("访问凭证无效或已过期", "The access token is invalid or expired"),
      t("稍后重试；如持续出现，请中继管理员检查凭证", "Retry later; if it persists, ask the relay's operator to check the credentials"),
      false),
    e(APP_TOKEN_INVALID, 400, C::Token, O::Platform, "Invalid app access token",
      t("应用访问凭证无效", "The app access token is invalid"),
      t("请中继管理员检查凭证", "Ask the relay's operator to check the credentials"),
      false),
    e(99_991_668, 400, C::Token, O::Platform, "Invalid user access token",
      t("用户访问凭证无效或已过期", "The user access token is invalid or expired"),
      t("此接口只接受 tenant_access_token，请中继管理员检查配置", "This endpoint takes a tenant_access_token; ask the relay's operator to check its configuration"),
      false),
    e(TOKEN_MALFORMED, 400, C::Token, O::Platform, "token format error",
      t("访问凭证格式错误", "The access token is malformed"),
      t("凭证应以 t- 开头；请中继管理员检查配置", "A tenant token starts with t-; ask the relay's operator to check its configuration"),
      false),
    e(99_991_672, 400, C::Permission, O::Platform, "app lacks the required scope",
      t("应用缺少所需权限", "The app lacks the required scope"),
      t("请管理员为应用开通 attendance:task:readonly 权限并发布", "Ask an administrator to grant the app attendance:task:readonly and publish it"),
      false),
    e(99_991_676, 400, C::Permission, O::Platform, "token lacks the required scope",
      t("访问凭证缺少所需权限", "The token lacks the required scope"),
      t("请管理员开通 attendance:task:readonly 权限，稍后重试", "Ask an administrator to grant attendance:task:readonly, then retry later"),
      false),
    e(RELAY_UNAUTHORIZED, 401, C::Permission, O::Relay, "relay: missing or wrong API key",
      t("中继拒绝访问：缺少或错误的 API 密钥", "The relay refused access: missing or wrong API key"),
      t("检查页面配置的中继请求头（Authorization）", "Check the headers the page sends to the relay (Authorization)"),
      false),
    e(RELAY_HOST_REFUSED, 403, C::Permission, O::Relay, "relay: this host name is not served",
      t("中继拒绝了这个主机名", "The relay does not serve this host name"),
      t("通过中继自己的地址打开页面，或请管理员用 --allowed-host 添加该主机名", "Open the page through the relay's own address, or ask its operator to add the host with --allowed-host"),
      false),
    e(RELAY_NOT_FOUND, 404, C::CallerInput, O::Relay, "relay: no such route",
      t("中继没有这个接口", "The relay has no such route"),
      t("检查中继地址；中继只转发 query_user_allowed_remedys", "Check the relay URL; the relay forwards only query_user_allowed_remedys"),
      false),
    e(RELAY_METHOD, 405, C::CallerInput, O::Relay, "relay: method not allowed",
      t("请求方法不被允许", "Method not allowed"),
      t("该接口只接受 POST", "The endpoint takes POST only"),
      false),
    e(RELAY_TOO_LARGE, 413, C::CallerInput, O::Relay, "relay: request body too large",
      t("请求体过大", "The request body is too large"),
      t("请求体只需 user_id 和 remedy_date", "The body needs only user_id and remedy_date"),
      false),
    e(RELAY_CONTENT_TYPE, 415, C::CallerInput, O::Relay, "relay: content type must be application/json",
      t("请求体必须是 JSON", "The request body must be JSON"),
      t("以 Content-Type: application/json 发送", "Send it with Content-Type: application/json"),
      false),
    e(RELAY_REQUEST_TIMEOUT, 408, C::Network, O::Relay, "relay: the request body did not arrive in time",
      t("中继没有及时收到完整的请求", "The relay did not receive the whole request in time"),
      t("检查网络连接后重试", "Check the network connection, then retry"),
      true),
    e(RELAY_SIGN_IN_REQUIRED, 401, C::Permission, O::Relay, "relay: sign in first",
      t("请先登录", "Sign in first"),
      t("用飞书账号登录后再查看自己的打卡", "Sign in with your Feishu account, then look at your punches"),
      false),
    e(RELAY_NOT_YOUR_OWN, 403, C::Permission, O::Relay, "relay: only your own punches can be asked",
      t("只能查看自己的打卡", "You can only see your own punches"),
      t("查询自己的打卡；需要查看同事的记录请联系 HR", "Ask about your own punches; to see a colleague's, ask HR"),
      false),
    e(RELAY_RATE_LIMITED, 429, C::RateLimit, O::Relay, "relay: too many requests to Feishu right now",
      t("当前查询的人太多，请稍候", "Too many people are asking right now"),
      t("稍等片刻后重试", "Wait a moment, then retry"),
      true),
    e(RELAY_REPLY_TOO_LARGE, 502, C::Server, O::Relay, "relay: Feishu's reply is too large",
      t("飞书的回复超出了中继允许的大小", "Feishu's reply is larger than the relay accepts"),
      t("缩小查询范围；如持续出现，请联系中继管理员", "Ask for less at once; if it persists, tell the relay's operator"),
      false),
    e(RELAY_UPSTREAM_DOWN, 502, C::Server, O::Relay, "relay: Feishu is unreachable",
      t("中继无法连接飞书", "The relay cannot reach Feishu"),
      t("稍后重试；如持续出现，请中继管理员检查网络", "Retry later; if it persists, ask the relay's operator to check its network"),
      true),
    e(RELAY_TOKEN_REFUSED, 502, C::Token, O::Relay, "relay: Feishu refused the app credentials",
      t("飞书拒绝了中继的应用凭证", "Feishu refused the relay's app credentials"),
      t("请中继管理员检查 FEISHU_APP_ID 和 FEISHU_APP_SECRET", "Ask the relay's operator to check FEISHU_APP_ID and FEISHU_APP_SECRET"),
      false),
    e(RELAY_UPSTREAM_TIMEOUT, 504, C::Server, O::Relay, "relay: Feishu did not answer in time",
      t("飞书响应超时", "Feishu did not answer in time"),
      t("稍后重试", "Retry later"),
      true),
];

/// Feishu's sign-in codes (issue 11): those of its authorize page, code exchange
/// (`/open-apis/authen/v2/oauth/token`) and `user_info`, which the relay meets when it signs an
/// employee in. "Sign in again" cases are Permission; the app's configuration is Token.
///
/// A table of their own, apart from [`ENTRIES`]: the browser never meets these codes (the relay
/// turns a failed sign-in into a page of its own), and the browser build's [`find`] does not
/// search this table, so the linker leaves it out of the wasm (measured: about 1.8 KB gzipped,
/// more than the whole sign-in feature may cost the package). Native builds (the relay, its
/// simulation) find them through the same [`find`] and [`lookup`].
#[rustfmt::skip]
pub static SIGN_IN_ENTRIES: &[Entry] = &[
    e(SIGNIN_MISSING_PARAM, 400, C::Token, O::SignIn, "missing or invalid parameter",
      t("登录请求缺少参数", "The sign-in request lacks a parameter"),
      t("请中继管理员检查配置；稍后重新登录", "Ask the relay's operator to check its configuration; then sign in again"),
      false),
    e(SIGNIN_BAD_SECRET, 400, C::Token, O::SignIn, "invalid client_secret",
      t("应用密钥错误，无法登录", "Sign-in failed: the app secret is wrong"),
      t("请中继管理员检查 FEISHU_APP_SECRET", "Ask the relay's operator to check FEISHU_APP_SECRET"),
      false),
    e(SIGNIN_CODE_NOT_FOUND, 400, C::Permission, O::SignIn, "code not found or already used",
      t("登录授权码无效或已被使用", "The sign-in code is invalid or was already used"),
      t("请重新登录（不要刷新登录回调页面）", "Sign in again (do not reload the sign-in callback page)"),
      false),
    e(SIGNIN_CODE_EXPIRED, 400, C::Permission, O::SignIn, "code expired",
      t("登录授权码已过期", "The sign-in code has expired"),
      t("请重新登录", "Sign in again"),
      false),
    e(SIGNIN_USER_TOKEN_INVALID, 401, C::Permission, O::SignIn, "invalid user access token",
      t("用户登录凭证无效或已过期", "The user's sign-in token is invalid or expired"),
      t("请重新登录", "Sign in again"),
      false),
    e(SIGNIN_USER_UNKNOWN, 400, C::Permission, O::SignIn, "user does not exist",
      t("该飞书用户不存在", "This Feishu user does not exist"),
      t("确认登录的是公司的飞书账号；如有疑问请联系管理员", "Make sure you sign in with your company's Feishu account; ask an administrator if in doubt"),
      false),
    e(SIGNIN_APP_NOT_INSTALLED, 400, C::Permission, O::SignIn, "app not installed in this tenant",
      t("应用未在本企业安装", "The app is not installed in this company"),
      t("请管理员在飞书管理后台安装该应用", "Ask an administrator to install the app in the Feishu admin console"),
      false),
    e(SIGNIN_USER_NOT_ALLOWED, 400, C::Permission, O::SignIn, "user has no permission to use this app",
      t("你没有使用此应用的权限", "You are not allowed to use this app"),
      t("请管理员在应用的可用范围中加入你", "Ask an administrator to add you to the app's availability range"),
      false),
    e(SIGNIN_USER_RESIGNED, 400, C::Permission, O::SignIn, "user has resigned",
      t("该用户已离职", "This user has left the company"),
      t("离职员工无法登录；如有误请联系人事或管理员", "Former employees cannot sign in; if this is wrong, contact HR or an administrator"),
      false),
    e(SIGNIN_USER_FROZEN, 400, C::Permission, O::SignIn, "user is frozen",
      t("该用户已被冻结", "This user account is frozen"),
      t("请联系管理员解冻账号", "Ask an administrator to unfreeze the account"),
      false),
    e(SIGNIN_USER_NOT_REGISTERED, 400, C::Permission, O::SignIn, "user is not registered",
      t("该用户尚未激活飞书账号", "This user has not activated their Feishu account"),
      t("先激活飞书账号，再重新登录", "Activate the Feishu account, then sign in again"),
      false),
    e(SIGNIN_CODE_OTHER_APP, 400, C::Token, O::SignIn, "code does not belong to this client_id",
      t("登录授权码不属于此应用", "The sign-in code was issued to another app"),
      t("请中继管理员检查 FEISHU_APP_ID 与登录页使用的应用是否一致", "Ask the relay's operator to check that FEISHU_APP_ID is the app the sign-in used"),
      false),
    e(SIGNIN_BAD_SCOPE, 400, C::Token, O::SignIn, "scope names a permission the app has not enabled",
      t("登录请求的权限范围无效", "The sign-in asked for a permission the app has not enabled"),
      t("请中继管理员检查请求的 scope 与应用已开通的权限", "Ask the relay's operator to check the requested scope against the app's permissions"),
      false),
    e(SIGNIN_REDIRECT_NOT_REGISTERED, 400, C::Token, O::SignIn, "redirect_uri is not registered",
      t("登录回调地址未在飞书登记", "The sign-in callback URL is not registered with Feishu"),
      t("请管理员在开发者后台「安全设置 → 重定向 URL」中添加 {公开地址}/auth/callback（端口也要一致）", "Ask an administrator to add {public URL}/auth/callback under Security settings → Redirect URLs in the developer console (the port must match)"),
      false),
    e(SIGNIN_BAD_GRANT_TYPE, 400, C::Token, O::SignIn, "unsupported grant_type",
      t("登录请求的授权类型不受支持", "The sign-in request's grant type is not supported"),
      t("请中继管理员检查中继版本", "Ask the relay's operator to check the relay's version"),
      false),
    e(SIGNIN_APP_UNKNOWN, 400, C::Token, O::SignIn, "app does not exist",
      t("应用不存在", "The app does not exist"),
      t("请中继管理员检查 FEISHU_APP_ID", "Ask the relay's operator to check FEISHU_APP_ID"),
      false),
    e(SIGNIN_PKCE_FAILED, 400, C::Permission, O::SignIn, "code_verifier check failed",
      t("登录校验失败（PKCE）", "The sign-in check failed (PKCE)"),
      t("请在同一个浏览器窗口中重新登录", "Sign in again, in the same browser window"),
      false),
    e(SIGNIN_SERVER_ERROR, 500, C::Server, O::SignIn, "server error",
      t("飞书登录服务出错", "Feishu's sign-in service failed"),
      t("稍后重新登录；如持续出现，请把日志 ID 提供给管理员", "Sign in again later; if it persists, give the log id to an administrator"),
      true),
    e(SIGNIN_MALFORMED, 400, C::Token, O::SignIn, "malformed request",
      t("登录请求格式错误", "The sign-in request is malformed"),
      t("请中继管理员检查中继版本", "Ask the relay's operator to check the relay's version"),
      false),
    e(SIGNIN_CODE_USED, 400, C::Permission, O::SignIn, "code already used",
      t("登录授权码已被使用", "The sign-in code was already used"),
      t("请重新登录（不要刷新登录回调页面）", "Sign in again (do not reload the sign-in callback page)"),
      false),
    e(SIGNIN_USER_STATUS, 400, C::Permission, O::SignIn, "user status is invalid",
      t("该用户状态异常，无法登录", "This user's status does not allow signing in"),
      t("请联系管理员检查账号状态", "Ask an administrator to check the account's status"),
      false),
    e(SIGNIN_APP_DISABLED, 400, C::Permission, O::SignIn, "app is not enabled",
      t("应用已停用", "The app is disabled"),
      t("请管理员在飞书管理后台启用该应用", "Ask an administrator to enable the app in the Feishu admin console"),
      false),
    e(SIGNIN_DOUBLE_AUTH, 400, C::Token, O::SignIn, "both Basic auth and client_secret sent",
      t("登录请求同时带了两种应用认证", "The sign-in request authenticated the app twice"),
      t("请中继管理员检查中继版本", "Ask the relay's operator to check the relay's version"),
      false),
    e(SIGNIN_REDIRECT_MISMATCH, 400, C::Token, O::SignIn, "redirect_uri does not match",
      t("登录回调地址与发起登录时不一致", "The sign-in callback URL differs from the one the sign-in started with"),
      t("请中继管理员检查 --public-url；然后重新登录", "Ask the relay's operator to check --public-url; then sign in again"),
      false),
    e(SIGNIN_UNAVAILABLE, 503, C::Server, O::SignIn, "service unavailable",
      t("飞书登录服务暂不可用", "Feishu's sign-in service is unavailable"),
      t("稍后重新登录", "Sign in again later"),
      true),
];

/// Sign-in 20001: a parameter is missing.
pub const SIGNIN_MISSING_PARAM: i64 = 20_001;
/// Sign-in 20002: the client secret is wrong.
pub const SIGNIN_BAD_SECRET: i64 = 20_002;
/// Sign-in 20003: the code is unknown or was used.
pub const SIGNIN_CODE_NOT_FOUND: i64 = 20_003;
/// Sign-in 20004: the code expired (codes live 5 minutes).
pub const SIGNIN_CODE_EXPIRED: i64 = 20_004;
/// Sign-in 20005 (`user_info`): the user access token is invalid.
pub const SIGNIN_USER_TOKEN_INVALID: i64 = 20_005;
/// Sign-in 20008: the user does not exist.
pub const SIGNIN_USER_UNKNOWN: i64 = 20_008;
/// Sign-in 20009: the app is not installed in the tenant.
pub const SIGNIN_APP_NOT_INSTALLED: i64 = 20_009;
/// Sign-in 20010: the user may not use the app.
pub const SIGNIN_USER_NOT_ALLOWED: i64 = 20_010;
/// Sign-in 20021 (`user_info`): the user has resigned.
pub const SIGNIN_USER_RESIGNED: i64 = 20_021;
/// Sign-in 20022 (`user_info`): the user is frozen.
pub const SIGNIN_USER_FROZEN: i64 = 20_022;
/// Sign-in 20023 (`user_info`): the user is not registered.
pub const SIGNIN_USER_NOT_REGISTERED: i64 = 20_023;
/// Sign-in 20024: the code belongs to another client_id.
pub const SIGNIN_CODE_OTHER_APP: i64 = 20_024;
/// Sign-in 20027 (authorize page): the scope names a permission the app never enabled.
pub const SIGNIN_BAD_SCOPE: i64 = 20_027;
/// Sign-in 20029 (authorize page): the redirect_uri is not registered.
pub const SIGNIN_REDIRECT_NOT_REGISTERED: i64 = 20_029;
/// Sign-in 20036: the grant_type is not supported.
pub const SIGNIN_BAD_GRANT_TYPE: i64 = 20_036;
/// Sign-in 20048: the app does not exist.
pub const SIGNIN_APP_UNKNOWN: i64 = 20_048;
/// Sign-in 20049: the PKCE check failed.
pub const SIGNIN_PKCE_FAILED: i64 = 20_049;
/// Sign-in 20050: Feishu's server error; retry.
pub const SIGNIN_SERVER_ERROR: i64 = 20_050;
/// Sign-in 20063: the request is malformed.
pub const SIGNIN_MALFORMED: i64 = 20_063;
/// Sign-in 20065: the code was already used.
pub const SIGNIN_CODE_USED: i64 = 20_065;
/// Sign-in 20066: the user's status is invalid.
pub const SIGNIN_USER_STATUS: i64 = 20_066;
/// Sign-in 20069: the app is not enabled.
pub const SIGNIN_APP_DISABLED: i64 = 20_069;
/// Sign-in 20070: both Basic auth and client_secret were sent.
pub const SIGNIN_DOUBLE_AUTH: i64 = 20_070;
/// Sign-in 20071: the redirect_uri differs from the authorize request's.
pub const SIGNIN_REDIRECT_MISMATCH: i64 = 20_071;
/// Sign-in 20072: the service is unavailable.
pub const SIGNIN_UNAVAILABLE: i64 = 20_072;

#[rustfmt::skip]
static UNKNOWN_CLIENT: Entry = e(0, 400, C::Unknown, O::Unknown, "",
    t("飞书返回了未知错误", "Feishu returned an error this page does not know"),
    t("查看飞书返回的信息；如需帮助，请把日志 ID 提供给管理员", "Read Feishu's message; for help, give the log id to an administrator"),
    false);

#[rustfmt::skip]
static UNKNOWN_SERVER: Entry = e(0, 500, C::Server, O::Unknown, "",
    t("飞书返回了未知的服务端错误", "Feishu returned a server error this page does not know"),
    t("稍后重试；如持续出现，请把日志 ID 提供给管理员", "Retry later; if it persists, give the log id to an administrator"),
    true);

/// The tables [`find`] searches. Not the sign-in codes in the browser build, which never meets
/// them: see [`SIGN_IN_ENTRIES`].
#[cfg(not(target_arch = "wasm32"))]
const TABLES: [&[Entry]; 2] = [ENTRIES, SIGN_IN_ENTRIES];
#[cfg(target_arch = "wasm32")]
const TABLES: [&[Entry]; 1] = [ENTRIES];

/// The entry for a known code (in the browser build, not for Feishu's sign-in codes).
pub fn find(code: i64) -> Option<&'static Entry> {
    TABLES
        .iter()
        .find_map(|table| table.iter().find(|e| e.code == code))
}

/// The entry for `code`, or a generic one for codes Feishu added since: a server-side one for
/// HTTP 5xx (worth a retry), otherwise one that asks the person to read Feishu's `msg`.
pub fn lookup(code: i64, http_status: u16) -> &'static Entry {
    find(code).unwrap_or(if http_status >= 500 {
        &UNKNOWN_SERVER
    } else {
        &UNKNOWN_CLIENT
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINT: [i64; 12] = [
        1220001, 1220002, 1220004, 1220005, 1225000, 1226500, 1226501, 1226502, 1226503, 1226504,
        1227500, 1220600,
    ];
    const PLATFORM: [i64; 10] = [
        99991400, 99991543, 99991661, 99991662, 99991663, 99991664, 99991668, 99991671, 99991672,
        99991676,
    ];

    #[test]
    fn every_documented_code_is_catalogued_with_its_status() {
        for code in ENDPOINT {
            let e = find(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(e.origin, Origin::Endpoint);
            let want = if matches!(code, 1225000 | 1226500 | 1227500) {
                500
            } else {
                400
            };
            assert_eq!(e.http_status, want, "{code}");
        }
        for code in PLATFORM {
            assert_eq!(
                find(code).map(|e| e.origin),
                Some(Origin::Platform),
                "{code}"
            );
        }
        assert_eq!(find(RATE_LIMITED).unwrap().http_status, 429);
    }

    #[test]
    fn codes_are_unique_and_texts_present() {
        let all: Vec<&Entry> = TABLES.iter().flat_map(|t| t.iter()).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(
                all[i + 1..].iter().all(|b| b.code != a.code),
                "{} twice",
                a.code
            );
            for s in [
                a.meaning.zh,
                a.meaning.en,
                a.action.zh,
                a.action.en,
                a.feishu_msg,
            ] {
                assert!(!s.is_empty(), "{}", a.code);
            }
        }
    }

    #[test]
    fn unknown_codes_fall_back_by_status() {
        assert_eq!(lookup(1234567, 400).category, Category::Unknown);
        assert!(!lookup(1234567, 400).retryable);
        assert_eq!(lookup(1234567, 503).category, Category::Server);
        assert!(lookup(1234567, 503).retryable);
        assert_eq!(lookup(NOTHING_TO_CORRECT, 200).code, NOTHING_TO_CORRECT);
    }

    /// Every code of SIGNIN.md (token endpoint, user_info, authorize page), in a table of its own
    /// that `find` searches natively; only Feishu's server-side ones are worth a retry.
    #[test]
    fn sign_in_codes_are_catalogued_in_their_own_table() {
        const SIGNIN: [i64; 25] = [
            20001, 20002, 20003, 20004, 20005, 20008, 20009, 20010, 20021, 20022, 20023, 20024,
            20027, 20029, 20036, 20048, 20049, 20050, 20063, 20065, 20066, 20069, 20070, 20071,
            20072,
        ];
        for code in SIGNIN {
            let e = find(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(e.origin, Origin::SignIn, "{code}");
            let server = matches!(code, 20050 | 20072);
            assert_eq!(e.retryable, server, "{code}");
            assert_eq!(e.http_status >= 500, server, "{code}");
            assert_eq!(e.category == Category::Server, server, "{code}");
            assert!(ENTRIES.iter().all(|b| b.code != code), "{code} in ENTRIES");
        }
        assert_eq!(SIGN_IN_ENTRIES.len(), SIGNIN.len());
        assert!(SIGN_IN_ENTRIES.iter().all(|e| e.origin == Origin::SignIn));
        assert!(ENTRIES.iter().all(|e| e.origin != Origin::SignIn));
        assert_eq!(
            find(SIGNIN_CODE_USED).unwrap().category,
            Category::Permission
        );
        assert_eq!(
            lookup(SIGNIN_REDIRECT_MISMATCH, 400).category,
            Category::Token
        );
    }

    #[test]
    fn stale_token_codes() {
        assert!(is_stale_token(99991663) && is_stale_token(99991664) && is_stale_token(99991671));
        assert!(!is_stale_token(99991661) && !is_stale_token(99991543));
    }
}

//! Who is signed in, and the one rule of issue 11: a person may ask only about themselves, unless
//! they are an admin.

use std::collections::HashSet;
use std::fmt;

use feishu_remedy::EmployeeType;

use crate::access::comma_list;

/// The signed-in person, from a Feishu sign-in (`user_info`) or a host page's signed token.
///
/// `Debug` shows which ids are present, never their values: an identity can end up in a log line
/// by mistake, and the issue asks that refusals log no identifiers.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// Feishu's per-app user id (`ou_…`). Empty in token mode: a host page's token names no
    /// Feishu account.
    pub open_id: String,
    /// The company (`tenant_key`). Empty in token mode.
    pub tenant_key: String,
    /// The id for `employee_type=employee_id` (Feishu's `user_id`), when known.
    pub user_id: Option<String>,
    /// The id for `employee_type=employee_no`, when known.
    pub employee_no: Option<String>,
    /// The display name (may be empty).
    pub name: String,
    /// May ask about anyone (HR, say).
    pub admin: bool,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("user_id", &self.user_id.as_ref().map(|_| "[present]"))
            .field(
                "employee_no",
                &self.employee_no.as_ref().map(|_| "[present]"),
            )
            .field("admin", &self.admin)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// The person's own id of this kind, if they have one.
    pub fn own_id(&self, employee_type: EmployeeType) -> Option<&str> {
        match employee_type {
            EmployeeType::EmployeeId => self.user_id.as_deref(),
            EmployeeType::EmployeeNo => self.employee_no.as_deref(),
        }
    }
}

/// The admins: `user_id`s (`RELAY_ADMINS`, comma-separated) who may ask about anyone.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Admins(HashSet<String>);

impl Admins {
    /// From a comma-separated list; blanks around names and empty entries are ignored.
    pub fn from_list(list: &str) -> Self {
        Admins(comma_list(list).map(str::to_owned).collect())
    }

    /// Whether this `user_id` is an admin. `None` (Feishu gave no `user_id`) never is.
    pub fn contains(&self, user_id: Option<&str>) -> bool {
        user_id.is_some_and(|id| self.0.contains(id))
    }

    /// How many there are (for the start-up line; the ids themselves are not logged).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Admins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Admins({} ids)", self.0.len())
    }
}

/// The ids a request asks about: the attendance query's one `user_id`, or a list of `user_ids`
/// (Feishu's batch routes take 1 to 50).
#[derive(Debug, Clone, Copy)]
pub enum Requested<'a> {
    /// One id.
    One(&'a str),
    /// Several ids.
    Many(&'a [String]),
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It names someone other than the signed-in person.
    OtherPerson,
    /// The person has no id of the requested kind (e.g. Feishu gave no `employee_no`), so no id of
    /// that kind can be theirs.
    NoOwnIdOfThisKind,
    /// An empty list: it names no one, so it cannot be the person's own.
    NothingRequested,
}

/// The rule's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Forward it.
    Allowed,
    /// Refuse it (403) without sending anything upstream.
    Refused(Refusal),
}

/// Whether `identity` may ask about `requested` under `employee_type`: admins about anyone,
/// everyone else only about their own id of that kind (`user_id` for `employee_id`,
/// `employee_no` for `employee_no`), compared exactly. A list passes only when every id in it is
/// the person's own.
pub fn decide(
    identity: &Identity,
    employee_type: EmployeeType,
    requested: Requested<'_>,
) -> Decision {
    if identity.admin {
        return Decision::Allowed;
    }
    let Some(own) = identity.own_id(employee_type) else {
        return Decision::Refused(Refusal::NoOwnIdOfThisKind);
    };
    let all_own = match requested {
        Requested::One(id) => id == own,
        Requested::Many([]) => return Decision::Refused(Refusal::NothingRequested),
        Requested::Many(ids) => ids.iter().all(|id| id == own),
    };
    if all_own {
        Decision::Allowed
    } else {
        Decision::Refused(Refusal::OtherPerson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EmployeeType::{EmployeeId as ID, EmployeeNo as NO};

    fn person(user_id: Option<&str>, employee_no: Option<&str>, admin: bool) -> Identity {
        Identity {
            open_id: "ou_1".into(),
            tenant_key: "t1".into(),
            user_id: user_id.map(Into::into),
            employee_no: employee_no.map(Into::into),
            name: "张三".into(),
            admin,
        }
    }

    #[test]
    fn own_ids_of_the_right_kind_only() {
        let p = person(Some("abd754f7"), Some("E1001"), false);
        assert_eq!(
            decide(&p, ID, Requested::One("abd754f7")),
            Decision::Allowed
        );
        assert_eq!(decide(&p, NO, Requested::One("E1001")), Decision::Allowed);
        let other = Decision::Refused(Refusal::OtherPerson);
        assert_eq!(decide(&p, ID, Requested::One("sim_hr")), other);
        assert_eq!(decide(&p, NO, Requested::One("E1002")), other);
        // An id of the other kind is not "own" even when it is the person's.
        assert_eq!(decide(&p, ID, Requested::One("E1001")), other);
        assert_eq!(decide(&p, NO, Requested::One("abd754f7")), other);
        assert_eq!(decide(&p, ID, Requested::One("ABD754F7")), other);
        assert_eq!(decide(&p, ID, Requested::One("")), other);
    }

    #[test]
    fn a_missing_id_kind_refuses_that_kind() {
        let p = person(Some("abd754f7"), None, false);
        assert_eq!(
            decide(&p, NO, Requested::One("E1001")),
            Decision::Refused(Refusal::NoOwnIdOfThisKind)
        );
        let q = person(None, Some("E1001"), false);
        assert_eq!(
            decide(&q, ID, Requested::One("")),
            Decision::Refused(Refusal::NoOwnIdOfThisKind)
        );
    }

    #[test]
    fn lists_pass_only_when_every_id_is_own() {
        let p = person(Some("a"), None, false);
        let own = vec!["a".to_owned(), "a".to_owned()];
        let mixed = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(decide(&p, ID, Requested::Many(&own)), Decision::Allowed);
        assert_eq!(
            decide(&p, ID, Requested::Many(&mixed)),
            Decision::Refused(Refusal::OtherPerson)
        );
        assert_eq!(
            decide(&p, ID, Requested::Many(&[])),
            Decision::Refused(Refusal::NothingRequested)
        );
    }

    #[test]
    fn admins_may_ask_about_anyone() {
        let hr = person(Some("sim_hr"), None, true);
        let many = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            decide(&hr, ID, Requested::One("abd754f7")),
            Decision::Allowed
        );
        assert_eq!(decide(&hr, NO, Requested::One("E1001")), Decision::Allowed);
        assert_eq!(decide(&hr, ID, Requested::Many(&many)), Decision::Allowed);
    }

    #[test]
    fn admin_list_parsing_and_no_user_id_is_never_admin() {
        let admins = Admins::from_list(" sim_hr, ,abd754f7 ,");
        assert_eq!(admins.len(), 2);
        assert!(admins.contains(Some("sim_hr")) && admins.contains(Some("abd754f7")));
        assert!(!admins.contains(Some("")) && !admins.contains(None));
        assert!(Admins::from_list("").is_empty());
        assert_eq!(format!("{admins:?}"), "Admins(2 ids)");
    }

    #[test]
    fn debug_shows_no_ids() {
        let p = person(Some("abd754f7"), Some("E1001"), false);
        let shown = format!("{p:?}");
        for id in ["abd754f7", "E1001", "ou_1", "t1", "张三"] {
            assert!(!shown.contains(id), "{shown}");
        }
    }
}

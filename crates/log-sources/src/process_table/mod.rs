//! The process table: what kqlhunt remembers about processes it saw start, so that sources
//! which only name a parent by pid or id can still fill Defender's `InitiatingProcess*` and
//! `InitiatingProcessParent*` columns.
//!
//! Sysmon for Linux writes only argv\[0\] as `ParentCommandLine`; auditd names no parent
//! image at all (only `ppid`); Tetragon names the parent but not the grandparent unless run
//! with `--enable-ancestors`. Each of them does write every process's own start event, so the
//! parent's full command line and the grandparent's name are recovered from the parent's own
//! event, seen earlier in the same run.
//!
//! Entries are keyed by a stable identity (Sysmon `ProcessGuid`, Tetragon `exec_id`, or
//! `(host, pid, exec time)` for auditd), never by the bare pid, because pids are reused. A
//! second index maps `(host, pid)` to the live entry for sources that only give pids.
//!
//! Memory is bounded by design: an entry is dropped a grace period (in event time) after its
//! process exits or is replaced by an exec in place; entries unused for `idle_ttl` of event
//! time are dropped; and above `max_entries` the least recently used entry goes. Processes
//! that started before collection began are simply not known: their columns stay empty
//! rather than guessed.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// A stable process identity, namespaced by the kind of id so that ids from different sources
/// never collide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProcessKey(Arc<str>);

impl ProcessKey {
    /// Sysmon `ProcessGuid` on a host (GUIDs compared without case).
    pub fn guid(host: &str, guid: &str) -> Self {
        Self(format!("guid:{host}:{}", guid.to_ascii_lowercase()).into())
    }

    /// Tetragon `exec_id` (cluster-unique already).
    pub fn exec_id(id: &str) -> Self {
        Self(format!("exec:{id}").into())
    }

    /// A process known only by pid: `(host, pid, exec time)`.
    pub fn pid_start(host: &str, pid: i64, start_nanos: i64) -> Self {
        Self(format!("pid:{host}:{pid}:{start_nanos}").into())
    }
}

/// What is known about one process image.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessInfo {
    /// Process id (host pid namespace).
    pub pid: Option<i64>,
    /// Full image path (Defender's `FolderPath` convention includes the file name).
    pub folder_path: Option<String>,
    /// Image file name without folder.
    pub file_name: Option<String>,
    /// Full command line.
    pub command_line: Option<String>,
    /// Account name.
    pub account_name: Option<String>,
    /// Account domain.
    pub account_domain: Option<String>,
    /// Start (exec) time, nanoseconds since the epoch.
    pub creation_time: Option<i64>,
}

/// The processes around one event, as far as they are known: the event's own process, its
/// initiating process, and that one's initiating process.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lineage {
    /// The process the event is about (for network events: the connecting process).
    pub process: Option<ProcessInfo>,
    /// Its initiating process (the parent, or the pre-exec image on an exec in place).
    pub parent: Option<ProcessInfo>,
    /// The initiating process's initiating process.
    pub grandparent: Option<ProcessInfo>,
}

/// Limits that keep the table's memory bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries kept; above it the least recently used entry is dropped.
    pub max_entries: usize,
    /// How long (event time, ns) an exited or replaced process stays resolvable, for events
    /// that arrive slightly out of order.
    pub exit_grace: i64,
    /// Entries neither created nor used for this long (event time, ns) are dropped.
    pub idle_ttl: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 100_000,
            exit_grace: 5 * 60 * 1_000_000_000,
            idle_ttl: 24 * 3600 * 1_000_000_000,
        }
    }
}

/// The initiating process as an entry's own start event described it: a key to look up and
/// the details the event carried, used when the key is not (or no longer) in the table.
#[derive(Debug, Clone, Default)]
struct ParentRef {
    key: Option<ProcessKey>,
    hint: Option<ProcessInfo>,
}

#[derive(Debug)]
struct Entry {
    host: Arc<str>,
    info: ProcessInfo,
    ppid: Option<i64>,
    parent: ParentRef,
    exited_at: Option<i64>,
    /// Position in the use order (`ProcessTable::by_use`).
    tick: u64,
    /// Event time of the last use.
    used_at: i64,
}

/// How a new process start names its initiating process.
#[derive(Debug, Clone)]
pub enum ParentLink {
    /// By stable id (Sysmon `ParentProcessGuid`, Tetragon `parent.exec_id`), with whatever
    /// the event itself says about the parent.
    Key {
        /// The parent's key.
        key: ProcessKey,
        /// Details from the event (`ParentImage`, `ParentCommandLine`, ...).
        hint: Option<ProcessInfo>,
    },
    /// By pid only (auditd): exec in place if the same pid is live with the same ppid,
    /// otherwise the live process with pid `ppid`.
    Pid {
        /// The parent pid from the event.
        ppid: Option<i64>,
    },
    /// Nothing is known (Sysmon's all-zero parent GUID).
    None,
}

/// The process table. Shared by all the files of one run through [`SharedProcessTable`].
#[derive(Debug)]
pub struct ProcessTable {
    limits: Limits,
    entries: HashMap<ProcessKey, Entry>,
    by_pid: HashMap<(Arc<str>, i64), ProcessKey>,
    by_use: BTreeMap<u64, ProcessKey>,
    exits: VecDeque<(i64, ProcessKey)>,
    next_tick: u64,
    /// The latest event time seen: the clock expiry runs on.
    now: i64,
    inserts_since_sweep: u32,
}

/// A process table shared between the readers of one run (the rotated files of one host are
/// read one after the other and must see each other's processes).
pub type SharedProcessTable = Arc<Mutex<ProcessTable>>;

/// A new shared table.
pub fn shared(limits: Limits) -> SharedProcessTable {
    Arc::new(Mutex::new(ProcessTable::new(limits)))
}

/// Locks a shared table. A panic elsewhere while holding the lock leaves the table usable (it
/// holds no invariant a half-done update could break badly), so poisoning is ignored.
pub fn lock(table: &SharedProcessTable) -> MutexGuard<'_, ProcessTable> {
    table
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Default for ProcessTable {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl ProcessTable {
    /// An empty table.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            entries: HashMap::new(),
            by_pid: HashMap::new(),
            by_use: BTreeMap::new(),
            exits: VecDeque::new(),
            next_tick: 0,
            now: i64::MIN,
            inserts_since_sweep: 0,
        }
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records a process start and returns its lineage (the process itself, its initiating
    /// process and that one's initiating process, as far as known).
    ///
    /// `time` is the event time used for expiry (usually the start time).
    pub fn exec(
        &mut self,
        key: ProcessKey,
        host: &str,
        info: ProcessInfo,
        ppid: Option<i64>,
        link: ParentLink,
        time: i64,
    ) -> Lineage {
        self.advance(time);
        let host: Arc<str> = host.into();
        let (parent_key, parent_info, parent_ref) = match link {
            ParentLink::Key { key: pk, hint } => {
                let found = self.touch(&pk).map(|e| e.info.clone());
                let hint = found.clone().or(hint);
                (
                    Some(pk.clone()),
                    found,
                    ParentRef {
                        key: Some(pk),
                        hint,
                    },
                )
            }
            ParentLink::Pid { ppid: event_ppid } => {
                let pid = info.pid;
                let same_pid = pid.and_then(|p| self.live_key(&host, p));
                // Exec in place: the same pid is live and still has the same parent (exec
                // keeps the ppid; a different ppid means the pid was reused).
                let in_place = same_pid.filter(|k| {
                    self.entries
                        .get(k)
                        .is_some_and(|e| e.ppid.is_none() || e.ppid == event_ppid)
                });
                let pk = match in_place {
                    Some(old) => {
                        self.retire(&old, time);
                        Some(old)
                    }
                    None => event_ppid.and_then(|pp| self.live_key(&host, pp)),
                };
                let found = pk
                    .as_ref()
                    .and_then(|k| self.touch(k))
                    .map(|e| e.info.clone());
                let hint = found.clone().or_else(|| {
                    event_ppid.map(|pp| ProcessInfo {
                        pid: Some(pp),
                        ..ProcessInfo::default()
                    })
                });
                (pk.clone(), found, ParentRef { key: pk, hint })
            }
            ParentLink::None => (None, None, ParentRef::default()),
        };
        let grandparent = parent_key.as_ref().and_then(|pk| self.parent_of(pk));
        let lineage = Lineage {
            process: Some(info.clone()),
            parent: parent_info,
            grandparent,
        };
        self.insert(key, host, info, ppid, parent_ref, time);
        lineage
    }

    /// Records a process the event names but whose own start was not seen (Tetragon's
    /// `parent` object), unless it is already known. Its parent is named by key.
    pub fn observe(
        &mut self,
        key: ProcessKey,
        host: &str,
        info: ProcessInfo,
        parent_key: Option<ProcessKey>,
        parent_hint: Option<ProcessInfo>,
        time: i64,
    ) {
        self.advance(time);
        if self.touch(&key).is_some() {
            return;
        }
        let ppid = parent_hint.as_ref().and_then(|p| p.pid);
        let parent = ParentRef {
            key: parent_key,
            hint: parent_hint,
        };
        self.insert(key, host.into(), info, ppid, parent, time);
    }

    /// The lineage of an event about an existing process (a network connection): the process
    /// by key, its parent and grandparent.
    pub fn lineage_of_key(&mut self, key: &ProcessKey, time: i64) -> Lineage {
        self.advance(time);
        let process = self.touch(key).map(|e| e.info.clone());
        if process.is_none() {
            return Lineage::default();
        }
        let parent = self.parent_of(key);
        let grandparent = self
            .entries
            .get(key)
            .and_then(|e| e.parent.key.clone())
            .and_then(|pk| self.parent_of(&pk));
        Lineage {
            process,
            parent,
            grandparent,
        }
    }

    /// The lineage of an event about the live process `pid` on `host` (auditd connect).
    pub fn lineage_of_pid(&mut self, host: &str, pid: i64, time: i64) -> Lineage {
        match self.live_key(host, pid) {
            Some(key) => self.lineage_of_key(&key, time),
            None => {
                self.advance(time);
                Lineage::default()
            }
        }
    }

    /// A process exited (Sysmon EID 5, Tetragon `process_exit`).
    pub fn exit_key(&mut self, key: &ProcessKey, time: i64) {
        self.advance(time);
        self.retire(key, time);
    }

    /// The live process `pid` on `host` exited (auditd `exit_group`).
    pub fn exit_pid(&mut self, host: &str, pid: i64, time: i64) {
        self.advance(time);
        if let Some(key) = self.live_key(host, pid) {
            self.retire(&key, time);
        }
    }

    /// The key of the live (not exited) process with this pid.
    fn live_key(&self, host: &str, pid: i64) -> Option<ProcessKey> {
        // A borrowed `(Arc<str>, i64)` cannot be built from `&str` without allocating; the
        // host strings are short, so this allocation is the simple choice.
        let k: (Arc<str>, i64) = (host.into(), pid);
        self.by_pid.get(&k).cloned()
    }

    /// Info of the initiating process of `key`'s entry: from the table if there, else the
    /// details `key`'s own event gave.
    fn parent_of(&mut self, key: &ProcessKey) -> Option<ProcessInfo> {
        let parent = self.entries.get(key)?.parent.clone();
        match parent.key.as_ref().and_then(|pk| self.touch(pk)) {
            Some(e) => Some(e.info.clone()),
            None => parent.hint,
        }
    }

    /// Marks `key` as exited at `time`: it leaves the pid index now and the table after the
    /// grace period.
    fn retire(&mut self, key: &ProcessKey, time: i64) {
        let Some(e) = self.entries.get_mut(key) else {
            return;
        };
        if e.exited_at.is_some() {
            return;
        }
        e.exited_at = Some(time);
        if let Some(pid) = e.info.pid {
            let pk = (e.host.clone(), pid);
            if self.by_pid.get(&pk) == Some(key) {
                self.by_pid.remove(&pk);
            }
        }
        self.exits.push_back((time, key.clone()));
    }

    /// Looks an entry up and marks it used.
    fn touch(&mut self, key: &ProcessKey) -> Option<&Entry> {
        let tick = self.next_tick;
        let now = self.now;
        let e = self.entries.get_mut(key)?;
        self.by_use.remove(&e.tick);
        e.tick = tick;
        e.used_at = e.used_at.max(now);
        self.by_use.insert(tick, key.clone());
        self.next_tick += 1;
        self.entries.get(key)
    }

    fn insert(
        &mut self,
        key: ProcessKey,
        host: Arc<str>,
        info: ProcessInfo,
        ppid: Option<i64>,
        parent: ParentRef,
        time: i64,
    ) {
        if let Some(old) = self.entries.remove(&key) {
            self.by_use.remove(&old.tick);
        }
        if let Some(pid) = info.pid {
            self.by_pid.insert((host.clone(), pid), key.clone());
        }
        let tick = self.next_tick;
        self.next_tick += 1;
        self.by_use.insert(tick, key.clone());
        self.entries.insert(
            key,
            Entry {
                host,
                info,
                ppid,
                parent,
                exited_at: None,
                tick,
                used_at: time,
            },
        );
        while self.entries.len() > self.limits.max_entries {
            let Some((_, oldest)) = self.by_use.pop_first() else {
                break;
            };
            self.remove(&oldest);
        }
        self.inserts_since_sweep += 1;
        if self.inserts_since_sweep >= 1024 {
            self.inserts_since_sweep = 0;
            self.sweep_idle();
        }
    }

    fn remove(&mut self, key: &ProcessKey) {
        if let Some(e) = self.entries.remove(key) {
            self.by_use.remove(&e.tick);
            if let Some(pid) = e.info.pid {
                let pk = (e.host, pid);
                if self.by_pid.get(&pk) == Some(key) {
                    self.by_pid.remove(&pk);
                }
            }
        }
    }

    /// Moves the event clock forward and drops exited entries whose grace period is over.
    fn advance(&mut self, time: i64) {
        if time <= self.now {
            return;
        }
        self.now = time;
        while let Some((at, _)) = self.exits.front() {
            if at.saturating_add(self.limits.exit_grace) >= self.now {
                break;
            }
            if let Some((_, key)) = self.exits.pop_front() {
                // Only if it is still the exited entry (not re-created under the same key).
                if self
                    .entries
                    .get(&key)
                    .is_some_and(|e| e.exited_at.is_some())
                {
                    self.remove(&key);
                }
            }
        }
    }

    /// Drops entries unused for `idle_ttl`, oldest use first.
    fn sweep_idle(&mut self) {
        let cutoff = self.now.saturating_sub(self.limits.idle_ttl);
        let stale: Vec<ProcessKey> = self
            .by_use
            .values()
            .take_while(|k| self.entries.get(*k).is_some_and(|e| e.used_at < cutoff))
            .cloned()
            .collect();
        for k in stale {
            self.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn proc(pid: i64, path: &str, cmd: &str) -> ProcessInfo {
        ProcessInfo {
            pid: Some(pid),
            folder_path: Some(path.into()),
            file_name: path.rsplit('/').next().map(str::to_string),
            command_line: Some(cmd.into()),
            ..ProcessInfo::default()
        }
    }

    fn names(l: &Lineage) -> (Option<String>, Option<String>) {
        (
            l.parent.as_ref().and_then(|p| p.command_line.clone()),
            l.grandparent.as_ref().and_then(|p| p.file_name.clone()),
        )
    }

    #[test]
    fn guid_lineage_recovers_parent_command_line_and_grandparent() {
        let mut t = ProcessTable::default();
        let sshd = ProcessKey::guid("node-1", "{A}");
        let bash = ProcessKey::guid("node-1", "{B}");
        let docker = ProcessKey::guid("node-1", "{C}");
        t.exec(
            sshd.clone(),
            "node-1",
            proc(10, "/usr/sbin/sshd", "sshd: root@pts/0"),
            None,
            ParentLink::None,
            S,
        );
        let l = t.exec(
            bash.clone(),
            "node-1",
            proc(20, "/usr/bin/bash", "-bash"),
            Some(10),
            ParentLink::Key {
                key: sshd,
                hint: None,
            },
            2 * S,
        );
        assert_eq!(names(&l), (Some("sshd: root@pts/0".into()), None));
        // The child's own event only says `bash` for the parent command line: the table knows
        // better, and knows the grandparent.
        let l = t.exec(
            docker,
            "node-1",
            proc(30, "/usr/bin/docker", "docker exec -it c /bin/sh"),
            Some(20),
            ParentLink::Key {
                key: ProcessKey::guid("node-1", "{b}"),
                hint: Some(proc(20, "/usr/bin/bash", "bash")),
            },
            3 * S,
        );
        assert_eq!(names(&l), (Some("-bash".into()), Some("sshd".into())));
    }

    #[test]
    fn unseen_parent_leaves_parent_unknown_but_keeps_the_hint_for_grandchildren() {
        let mut t = ProcessTable::default();
        let hint = proc(20, "/usr/bin/bash", "bash");
        let l = t.exec(
            ProcessKey::guid("h", "{C}"),
            "h",
            proc(30, "/usr/bin/sudo", "sudo id"),
            Some(20),
            ParentLink::Key {
                key: ProcessKey::guid("h", "{B}"),
                hint: Some(hint),
            },
            S,
        );
        assert_eq!(l.parent, None, "never invent a parent that was not seen");
        assert_eq!(l.grandparent, None);
        let l = t.exec(
            ProcessKey::guid("h", "{D}"),
            "h",
            proc(31, "/usr/bin/id", "id"),
            Some(30),
            ParentLink::Key {
                key: ProcessKey::guid("h", "{C}"),
                hint: None,
            },
            2 * S,
        );
        assert_eq!(names(&l), (Some("sudo id".into()), Some("bash".into())));
    }

    #[test]
    fn pid_lineage_fork_then_exec_in_place() {
        let mut t = ProcessTable::default();
        let k = |pid, s| ProcessKey::pid_start("node-1", pid, s);
        t.exec(
            k(99, 1),
            "node-1",
            proc(99, "/usr/sbin/sshd", "sshd"),
            Some(1),
            ParentLink::Pid { ppid: Some(1) },
            S,
        );
        t.exec(
            k(100, 2),
            "node-1",
            proc(100, "/usr/bin/bash", "-bash"),
            Some(99),
            ParentLink::Pid { ppid: Some(99) },
            2 * S,
        );
        // Fork + exec: pid 101 is new, its parent is the live pid 100.
        let l = t.exec(
            k(101, 3),
            "node-1",
            proc(101, "/usr/bin/bash", "bash -c curl x"),
            Some(100),
            ParentLink::Pid { ppid: Some(100) },
            3 * S,
        );
        assert_eq!(names(&l), (Some("-bash".into()), Some("sshd".into())));
        // Exec in place: pid 101 execs curl; the initiating process is the previous image of
        // pid 101 (bash -c), and its parent (-bash) becomes the initiating parent.
        let l = t.exec(
            k(101, 4),
            "node-1",
            proc(101, "/usr/bin/curl", "curl x"),
            Some(100),
            ParentLink::Pid { ppid: Some(100) },
            4 * S,
        );
        assert_eq!(
            names(&l),
            (Some("bash -c curl x".into()), Some("bash".into()))
        );
        assert_eq!(l.parent.as_ref().and_then(|p| p.pid), Some(101));
        // The pid now resolves to curl.
        let l = t.lineage_of_pid("node-1", 101, 5 * S);
        assert_eq!(
            l.process.and_then(|p| p.file_name),
            Some("curl".to_string())
        );
    }

    #[test]
    fn pid_reuse_with_another_parent_is_not_an_exec_in_place() {
        let mut t = ProcessTable::default();
        let k = |pid, s| ProcessKey::pid_start("h", pid, s);
        t.exec(
            k(7, 1),
            "h",
            proc(7, "/usr/bin/sleep", "sleep 1"),
            Some(5),
            ParentLink::Pid { ppid: Some(5) },
            S,
        );
        t.exec(
            k(8, 2),
            "h",
            proc(8, "/usr/bin/bash", "bash"),
            Some(1),
            ParentLink::Pid { ppid: Some(1) },
            2 * S,
        );
        // pid 7 reused by a child of 8 without an exit being seen.
        let l = t.exec(
            k(7, 3),
            "h",
            proc(7, "/usr/bin/id", "id"),
            Some(8),
            ParentLink::Pid { ppid: Some(8) },
            3 * S,
        );
        assert_eq!(l.parent.and_then(|p| p.command_line), Some("bash".into()));
    }

    #[test]
    fn exit_frees_the_pid_and_expires_after_the_grace_period() {
        let mut t = ProcessTable::new(Limits {
            exit_grace: 10 * S,
            ..Limits::default()
        });
        let k = ProcessKey::pid_start("h", 50, 1);
        t.exec(
            k.clone(),
            "h",
            proc(50, "/usr/bin/bash", "bash"),
            Some(1),
            ParentLink::Pid { ppid: Some(1) },
            S,
        );
        t.exit_pid("h", 50, 2 * S);
        // A new process with ppid 50 no longer resolves to the exited bash by pid.
        let l = t.exec(
            ProcessKey::pid_start("h", 51, 3),
            "h",
            proc(51, "/usr/bin/id", "id"),
            Some(50),
            ParentLink::Pid { ppid: Some(50) },
            3 * S,
        );
        assert_eq!(l.parent, None, "an exited process is not a parent by pid");
        // Still resolvable by key within the grace period, gone after it.
        assert!(t.lineage_of_key(&k, 5 * S).process.is_some());
        assert!(t.lineage_of_key(&k, 20 * S).process.is_none());
    }

    #[test]
    fn size_limit_drops_the_least_recently_used() {
        let mut t = ProcessTable::new(Limits {
            max_entries: 3,
            ..Limits::default()
        });
        let k = |n: i64| ProcessKey::exec_id(&n.to_string());
        for n in 0..3 {
            t.exec(k(n), "h", proc(n, "/x", "x"), None, ParentLink::None, S);
        }
        // Use 0, so 1 is now the least recently used.
        assert!(t.lineage_of_key(&k(0), S).process.is_some());
        t.exec(k(3), "h", proc(3, "/x", "x"), None, ParentLink::None, S);
        assert_eq!(t.len(), 3);
        assert!(t.lineage_of_key(&k(1), S).process.is_none());
        assert!(t.lineage_of_key(&k(0), S).process.is_some());
        for n in 4..10_000 {
            t.exec(k(n), "h", proc(n, "/x", "x"), None, ParentLink::None, S);
        }
        assert_eq!(t.len(), 3);
        assert!(t.by_pid.len() <= 3 && t.by_use.len() == 3);
    }

    #[test]
    fn idle_entries_expire_by_ttl() {
        let mut t = ProcessTable::new(Limits {
            idle_ttl: 100 * S,
            ..Limits::default()
        });
        t.exec(
            ProcessKey::exec_id("old"),
            "h",
            proc(1, "/x", "x"),
            None,
            ParentLink::None,
            S,
        );
        for n in 0..1100 {
            t.exec(
                ProcessKey::exec_id(&format!("n{n}")),
                "h",
                proc(n + 2, "/x", "x"),
                None,
                ParentLink::None,
                1000 * S + n,
            );
        }
        assert!(
            t.lineage_of_key(&ProcessKey::exec_id("old"), 1000 * S)
                .process
                .is_none()
        );
        assert!(
            t.lineage_of_key(&ProcessKey::exec_id("n5"), 1000 * S)
                .process
                .is_some()
        );
    }

    #[test]
    fn observed_parent_serves_grandparent_lookups() {
        let mut t = ProcessTable::default();
        let parent = ProcessKey::exec_id("P");
        t.observe(
            parent.clone(),
            "node",
            proc(5, "/bin/bash", "/bin/bash -c x"),
            Some(ProcessKey::exec_id("G")),
            Some(proc(4, "/usr/bin/containerd-shim", "")),
            S,
        );
        let l = t.exec(
            ProcessKey::exec_id("C"),
            "node",
            proc(6, "/usr/bin/curl", "curl"),
            Some(5),
            ParentLink::Key {
                key: parent,
                hint: None,
            },
            2 * S,
        );
        assert_eq!(
            names(&l),
            (
                Some("/bin/bash -c x".into()),
                Some("containerd-shim".into())
            )
        );
    }
}

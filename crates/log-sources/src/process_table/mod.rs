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
//!
//! # One table per read pass and format
//!
//! A parent is often in an earlier file than its child (rotated `audit.log.1` then
//! `audit.log`), so the files of a run share their tables: [`ProcessTables`] holds one per
//! format for one pass over the inputs. Formats do not share a table: a host watched by both
//! auditd and Sysmon for Linux reports each exec twice, and one source's record of a process
//! would otherwise pass for the other's earlier image of it (an exec in place) or its
//! parent. A second pass (another scan of the same files) needs fresh tables, since
//! replaying starts would link processes to themselves.
//!
//! Idle expiry runs on each host's own event clock: the files of a run may cover hosts over
//! different days, and the processes of one read after a later one's are not idle.

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
    /// The latest event time seen: the clock exits expire on.
    now: i64,
    /// The latest event time seen per host: the clock idle entries expire on.
    clocks: HashMap<Arc<str>, i64>,
    inserts_since_sweep: u32,
}

/// A process table shared between the readers of one run (the rotated files of one host are
/// read one after the other and must see each other's processes).
pub type SharedProcessTable = Arc<Mutex<ProcessTable>>;

/// A new shared table.
pub fn shared(limits: Limits) -> SharedProcessTable {
    Arc::new(Mutex::new(ProcessTable::new(limits)))
}

/// The process tables of one read pass over a run's inputs: one per format, created on first
/// use and shared by every file of that format (see the module docs). Cloning shares them.
#[derive(Debug, Clone, Default)]
pub struct ProcessTables {
    limits: Limits,
    tables: Arc<Mutex<HashMap<&'static str, SharedProcessTable>>>,
}

impl ProcessTables {
    /// Empty tables with these limits.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            tables: Arc::default(),
        }
    }

    /// The table of `format`'s readers.
    pub fn for_format(&self, format: &'static str) -> SharedProcessTable {
        let mut tables = self
            .tables
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        tables
            .entry(format)
            .or_insert_with(|| shared(self.limits))
            .clone()
    }
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
            clocks: HashMap::new(),
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
        self.tick_host(&host, time);
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
        let host: Arc<str> = host.into();
        self.tick_host(&host, time);
        if self.touch(&key).is_some() {
            return;
        }
        let ppid = parent_hint.as_ref().and_then(|p| p.pid);
        let parent = ParentRef {
            key: parent_key,
            hint: parent_hint,
        };
        self.insert(key, host, info, ppid, parent, time);
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
        self.tick_host(&host.into(), time);
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
        self.tick_host(&host.into(), time);
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

    /// Moves `host`'s clock forward.
    fn tick_host(&mut self, host: &Arc<str>, time: i64) {
        match self.clocks.get_mut(host) {
            Some(t) => *t = (*t).max(time),
            None => {
                self.clocks.insert(host.clone(), time);
            }
        }
    }

    /// Looks an entry up and marks it used (at its host's clock).
    fn touch(&mut self, key: &ProcessKey) -> Option<&Entry> {
        let tick = self.next_tick;
        let e = self.entries.get_mut(key)?;
        let now = self.clocks.get(&e.host).copied().unwrap_or(e.used_at);
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

    /// Drops entries unused for `idle_ttl` of their host's event time, oldest use first.
    fn sweep_idle(&mut self) {
        let ttl = self.limits.idle_ttl;
        let stale: Vec<ProcessKey> = self
            .by_use
            .values()
            .take_while(|k| {
                self.entries.get(*k).is_some_and(|e| {
                    let clock = self.clocks.get(&e.host).copied().unwrap_or(e.used_at);
                    e.used_at < clock.saturating_sub(ttl)
                })
            })
            .cloned()
            .collect();
        for k in stale {
            self.remove(&k);
        }
        // Clocks of hosts with no entry left go too, so that a stream of ever new host
        // names cannot grow them without bound.
        if self.clocks.len() > self.entries.len().saturating_add(1024) {
            let live: std::collections::HashSet<&Arc<str>> =
                self.entries.values().map(|e| &e.host).collect();
            let keep: HashMap<Arc<str>, i64> = self
                .clocks
                .iter()
                .filter(|(h, _)| live.contains(h))
                .map(|(h, t)| (h.clone(), *t))
                .collect();
            self.clocks = keep;
        }
    }
}

#[cfg(test)]
mod tests;

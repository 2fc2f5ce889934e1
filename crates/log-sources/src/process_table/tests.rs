//! The process table's lineage, expiry and limits, on hand-made process starts.

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

#[test]
fn idle_expiry_runs_on_each_hosts_own_clock() {
    let mut t = ProcessTable::new(Limits {
        idle_ttl: 100 * S,
        ..Limits::default()
    });
    let k = |host: &str, n: i64| ProcessKey::pid_start(host, n, n);
    // Host b's older file, then host a's file (days later), then b's newer file.
    t.exec(
        k("b", 100),
        "b",
        proc(100, "/usr/bin/bash", "-bash"),
        Some(1),
        ParentLink::Pid { ppid: Some(1) },
        S,
    );
    t.exec(
        k("a", 1),
        "a",
        proc(1, "/x", "x"),
        None,
        ParentLink::None,
        10_000 * S,
    );
    // Enough starts on b to run the idle sweep (every 1024 inserts), within b's ttl.
    for n in 0..1100 {
        t.exec(
            k("b", 1000 + n),
            "b",
            proc(1000 + n, "/x", "x"),
            Some(1),
            ParentLink::Pid { ppid: Some(1) },
            2 * S,
        );
    }
    let l = t.exec(
        k("b", 101),
        "b",
        proc(101, "/usr/bin/id", "id"),
        Some(100),
        ParentLink::Pid { ppid: Some(100) },
        3 * S,
    );
    assert_eq!(
        l.parent.and_then(|p| p.command_line),
        Some("-bash".into()),
        "b's login shell was used 2 s ago on b's clock, not days ago"
    );
}

#[test]
fn a_pass_has_one_table_per_format() {
    let tables = ProcessTables::default();
    let auditd = tables.for_format("auditd");
    lock(&auditd).exec(
        ProcessKey::pid_start("node-1", 48271, 1),
        "node-1",
        proc(48271, "/usr/bin/docker", "docker exec -it c /bin/sh"),
        Some(48270),
        ParentLink::Pid { ppid: Some(48270) },
        S,
    );
    // The same format gets the same table back, clones included.
    assert_eq!(lock(&tables.clone().for_format("auditd")).len(), 1);
    // Sysmon for Linux on the same host reports the same exec: it must not be taken for
    // an exec in place of auditd's record of it (which would make it its own parent).
    let sysmon = tables.for_format("sysmon-linux");
    assert!(lock(&sysmon).is_empty());
    let l = lock(&sysmon).lineage_of_pid("node-1", 48271, 2 * S);
    assert_eq!(l, Lineage::default());
}

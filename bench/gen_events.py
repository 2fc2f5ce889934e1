#!/usr/bin/env python3
"""Seeded generator of DeviceProcessEvents rows as NDJSON (Sentinel's column names and types).

Each line is one Sentinel data-export row of DeviceProcessEvents (`TenantId`, `TimeGenerated`,
`Type` plus the Defender columns a Linux or Windows sensor fills), with realistic field
lengths (about 1 060 bytes a row). About 5% of rows are container-administration commands
(`docker exec -it ...`, `kubectl exec ...`, `crictl`, `ctr`, `nerdctl`, `podman`), about 5%
are near-misses that share words with them without being one (`dockerd`,
`containerd-shim-runc-v2`, `docker-compose ps`, `/var/lib/docker/...` paths, `kubectl get`),
and the rest is ordinary process activity. About 1% of rows carry JSON `\\u` escapes (as
.NET serialisers write `<`, `>`, `&`, `'`) and the Windows rows carry `\\\\` path escapes.

The same seed and row count always give the same bytes. Timestamps lie in the 24 hours before
--now (default 2025-06-01T12:00:00Z), 3% of them more than a day before it, so a rule's
`ago(1d)` filter has something to drop; run queries with the same --now.

Usage: gen_events.py --rows N [--seed S] [--now ISO] [-o FILE]   (stdout without -o)
"""

import argparse
import datetime as dt
import json
import random
import sys

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def esc(s):
    """The JSON string literal of s (with quotes)."""
    return json.dumps(s)


def dotnet_esc(s):
    """As System.Text.Json writes it: <, >, &, ' and + as \\u escapes."""
    out = json.dumps(s)
    for ch in "<>&'+":
        out = out.replace(ch, "\\u%04x" % ord(ch))
    return out


LINUX_HOSTS = ["aks-nodepool1-%08d-vmss%06d" % (31415926 + i, i) for i in range(40)]
WIN_HOSTS = ["ws-%s-%03d.corp.contoso.com" % (d, i) for d in ("fin", "hr", "eng", "ops") for i in range(10)]
LINUX_USERS = ["root", "azureuser", "ubuntu", "jenkins", "www-data", "postgres", "nobody"]
WIN_USERS = ["alice", "bob", "carol", "dave", "svc-backup", "system", "network service"]
CONTAINERS = ["web", "api-7d9f8c6b5-x2lqp", "redis", "nginx-ingress-controller-5c8d66c76d-8kq2z",
              "f3a1c9e2b7d4", "payments-worker-0", "coredns-6f6b679f8f-kqz9n"]
IMAGES = ["nginx:1.25", "alpine:3.19", "ubuntu:22.04", "busybox", "python:3.12-slim",
          "mcr.microsoft.com/azure-cli", "ghcr.io/contoso/api:2.4.1"]
NAMESPACES = ["default", "kube-system", "payments", "monitoring", "ingress-nginx"]
SHELLS = ["sh", "bash", "/bin/sh", "/bin/bash", "ash", "zsh", "python3", "cat /etc/passwd", "id"]

# Ordinary Linux activity: (FileName, FolderPath, command line templates).
LINUX_PROCS = [
    ("bash", "/usr/bin/bash", ["bash -c 'tar czf /backup/{n}.tgz /var/www/html'", "-bash", "bash /opt/scripts/rotate-{n}.sh"]),
    ("python3", "/usr/bin/python3.10", ["python3 /opt/app/worker.py --queue jobs-{n} --concurrency 4", "python3 -m pip install --upgrade requests=={v}"]),
    ("curl", "/usr/bin/curl", ["curl -sS -o items-{n}.json https://api.contoso.com/v2/items?page={v}", "curl -fsSL http://169.254.169.254/metadata/instance?api-version=2021-02-01"]),
    ("systemctl", "/usr/bin/systemctl", ["systemctl status nginx.service --no-pager", "systemctl restart kubelet"]),
    ("ps", "/usr/bin/ps", ["ps -eo pid,ppid,user,args --sort=-%cpu", "ps aux"]),
    ("grep", "/usr/bin/grep", ["grep -rn ERROR /var/log/app/{n}.log", "grep -v ^# /etc/ssh/sshd_config"]),
    ("ls", "/usr/bin/ls", ["ls -la ~/.ssh", "ls /proc/{v}/fd"]),
    ("sshd", "/usr/sbin/sshd", ["sshd: azureuser [priv]", "/usr/sbin/sshd -D -R"]),
    ("cron", "/usr/sbin/cron", ["/usr/sbin/CRON -f -P"]),
    ("logrotate", "/usr/sbin/logrotate", ["/usr/sbin/logrotate /etc/logrotate.conf"]),
    ("java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", ["java -Xmx2g -jar /opt/jenkins/jenkins.war --httpPort=8080"]),
    ("node", "/usr/local/bin/node", ["node /srv/app/server.js --port {v}"]),
    ("apt-get", "/usr/bin/apt-get", ["apt-get install -y --no-install-recommends libssl3 ca-certificates"]),
    ("kubelet", "/usr/local/bin/kubelet", ["/usr/local/bin/kubelet --config=/var/lib/kubelet/config.yaml --kubeconfig=/var/lib/kubelet/kubeconfig --v=2"]),
]
LINUX_PARENTS = [("bash", "/usr/bin/bash", "-bash"), ("sshd", "/usr/sbin/sshd", "sshd: azureuser@pts/0"),
                 ("systemd", "/usr/lib/systemd/systemd", "/sbin/init splash"), ("cron", "/usr/sbin/cron", "/usr/sbin/CRON -f -P"),
                 ("python3", "/usr/bin/python3.10", "python3 /opt/app/main.py"), ("containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id {h} -address /run/containerd/containerd.sock"),
                 ("node", "/usr/local/bin/node", "node /srv/app/server.js")]
WIN_PROCS = [
    ("cmd.exe", "C:\\Windows\\System32\\cmd.exe", ["cmd.exe /c echo %TEMP% & dir C:\\Users\\{u}\\Downloads", "cmd.exe /c \"C:\\Program Files\\Backup\\run-{n}.bat\""]),
    ("powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", ["powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\inventory-{n}.ps1", "powershell.exe -Command \"Get-Process | Where-Object {{ $_.CPU -gt 100 }}\""]),
    ("svchost.exe", "C:\\Windows\\System32\\svchost.exe", ["C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule"]),
    ("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", ["\"msedge.exe\" --type=renderer --lang=en-US --renderer-client-id={v} --field-trial-handle=1872,i,{h}"]),
    ("conhost.exe", "C:\\Windows\\System32\\conhost.exe", ["\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"]),
    ("git.exe", "C:\\Program Files\\Git\\cmd\\git.exe", ["git.exe fetch --prune origin refs/heads/{n}"]),
]
WIN_PARENTS = [("explorer.exe", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"), ("services.exe", "C:\\Windows\\System32\\services.exe", "C:\\Windows\\system32\\services.exe"),
               ("cmd.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"), ("powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe -NoLogo")]


def container_command(r):
    """A container-administration process: (FileName, FolderPath, command line)."""
    tool = r.choices(["docker", "kubectl", "crictl", "ctr", "nerdctl", "podman"], [40, 30, 10, 5, 5, 10])[0]
    c, sh, img = r.choice(CONTAINERS), r.choice(SHELLS), r.choice(IMAGES)
    flags = r.choice(["-it", "-i ", "--tty", "", "-d", "--privileged", "--pid=host", "--net=host -it"])
    if tool == "docker":
        cmd = r.choice([f"docker exec {flags} {c} {sh}", f"docker run --rm {flags} {img} {sh}",
                        f"docker attach {c}", f"docker exec {c} cat /etc/shadow", f"docker logs --tail 200 {c}"])
    elif tool == "kubectl":
        ns = r.choice(NAMESPACES)
        cmd = r.choice([f"kubectl exec {flags} -n {ns} {c} -- {sh}", f"kubectl -n {ns} exec {c} -- {sh}",
                        f"kubectl run tmp-shell --rm -it --image={img} -- {sh}", f"kubectl attach -n {ns} {c} -i"])
    elif tool == "crictl":
        cmd = r.choice([f"crictl exec -it {c} {sh}", f"crictl ps -a", f"crictl logs {c}"])
    elif tool == "ctr":
        cmd = r.choice([f"ctr -n k8s.io tasks exec --exec-id dbg {c} {sh}", f"ctr run --rm -t {img} dbg {sh}"])
    elif tool == "nerdctl":
        cmd = f"nerdctl exec {flags} {c} {sh}"
    else:
        cmd = r.choice([f"podman exec {flags} {c} {sh}", f"podman run {flags} {img} {sh}"])
    return tool, f"/usr/bin/{tool}", " ".join(cmd.split())


def near_miss(r):
    """A process that shares words with container tools without being one."""
    c = r.choice(CONTAINERS)
    return r.choice([
        ("dockerd", "/usr/bin/dockerd", "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"),
        ("docker-compose", "/usr/local/bin/docker-compose", "docker-compose ps"),
        ("docker-compose", "/usr/local/bin/docker-compose", "docker-compose -f /srv/app/docker-compose.yml up -d"),
        ("containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2", f"/usr/bin/containerd-shim-runc-v2 -namespace moby -id {r.getrandbits(64):016x} -address /run/containerd/containerd.sock"),
        ("du", "/usr/bin/du", "du -sh /var/lib/docker/overlay2"),
        ("rm", "/usr/bin/rm", f"rm -rf /var/lib/docker/containers/{r.getrandbits(64):016x}/{c}-json.log"),
        ("runc", "/usr/bin/runc", f"runc --root /run/containerd/runc/k8s.io exec --process /run/containerd/runc-process{r.getrandbits(32)} {c}"),
        ("python3", "/usr/bin/python3.10", "python3 /opt/tools/docker_cleanup.py --dry-run"),
        ("vim", "/usr/bin/vim.basic", "vim ~/project/Dockerfile"),
        ("kubectl", "/usr/local/bin/kubectl", f"kubectl get pods -n {r.choice(NAMESPACES)} -o wide"),
        ("kubectl", "/usr/local/bin/kubectl", "kubectl describe node aks-nodepool1-31415926-vmss000001"),
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1609)
    ap.add_argument("--now", default="2025-06-01T12:00:00Z")
    ap.add_argument("-o", "--out")
    a = ap.parse_args()
    r = random.Random(a.seed)
    now = dt.datetime.fromisoformat(a.now.replace("Z", "+00:00"))
    now_us = int(now.timestamp() * 1_000_000)
    out = open(a.out, "w", encoding="utf-8", newline="\n") if a.out else sys.stdout
    device_ids = {h: "%040x" % r.getrandbits(160) for h in LINUX_HOSTS + WIN_HOSTS}
    buf = []
    for i in range(a.rows):
        windows = r.random() < 0.25
        host = r.choice(WIN_HOSTS if windows else LINUX_HOSTS)
        kind = r.random()
        n, v, h = r.randrange(1000), r.randrange(65536), "%064x" % r.getrandbits(256)
        if windows:
            fname, folder, cmds = r.choice(WIN_PROCS)
            user = r.choice(WIN_USERS)
            cmd = r.choice(cmds).format(n=n, v=v, h=h[:16], u=user)
            pf, ppath, pcmd = r.choice(WIN_PARENTS)
            domain, gfname, gfpath = "CONTOSO", "userinit.exe", "C:\\Windows\\System32\\userinit.exe"
        else:
            user = r.choice(LINUX_USERS)
            if kind < 0.05:
                fname, folder, cmd = container_command(r)
                pf, ppath, pcmd = r.choice([("bash", "/usr/bin/bash", "-bash"), ("sshd", "/usr/sbin/sshd", "sshd: azureuser@pts/0"),
                                            ("python3", "/usr/bin/python3.10", "python3 /opt/ci/deploy.py"), ("node", "/usr/local/bin/node", "node /srv/ops/bot.js")])
            elif kind < 0.10:
                fname, folder, cmd = near_miss(r)
                pf, ppath, pcmd = r.choice(LINUX_PARENTS)
            else:
                fname, folder, cmds = r.choice(LINUX_PROCS)
                cmd = r.choice(cmds).format(n=n, v=v, h=h[:16])
                pf, ppath, pcmd = r.choice(LINUX_PARENTS)
            # A shell started by a container tool, which the rule sees through its parent.
            if kind >= 0.10 and r.random() < 0.01:
                pf, ppath, pcmd = "docker", "/usr/bin/docker", f"docker exec -it {r.choice(CONTAINERS)} bash"
            domain, gfname, gfpath = host.split(".")[0], "systemd", "/usr/lib/systemd/systemd"
        pcmd = pcmd.format(h=h[:64])
        # 3% of events are older than the rule's one-day window.
        age_us = r.randrange(86_400_000_000, 3 * 86_400_000_000) if r.random() < 0.03 else r.randrange(86_000_000_000)
        t = now_us - age_us
        created = t - r.randrange(5_000)
        pid, ppid = r.randrange(300, 4_194_304), r.randrange(1, 4_194_304)
        s = esc if r.random() >= 0.01 else dotnet_esc
        ts = iso(t)
        buf.append(
            '{"TenantId":"%s","TimeGenerated":"%s","Timestamp":"%s","DeviceId":"%s","DeviceName":%s,'
            '"ActionType":"ProcessCreated","FileName":%s,"FolderPath":%s,"SHA256":"%s","FileSize":%d,'
            '"ProcessId":%d,"ProcessCommandLine":%s,"ProcessIntegrityLevel":%s,"ProcessCreationTime":"%s",'
            '"AccountDomain":%s,"AccountName":%s,"LogonId":%d,"InitiatingProcessFileName":%s,'
            '"InitiatingProcessId":%d,"InitiatingProcessCommandLine":%s,"InitiatingProcessFolderPath":%s,'
            '"InitiatingProcessParentId":%d,"InitiatingProcessParentFileName":%s,"ReportId":%d,'
            '"AdditionalFields":null,"SourceSystem":"","Type":"DeviceProcessEvents"}\n'
            % (TENANT, ts, ts, device_ids[host], esc(host), esc(fname), s(folder), h,
               r.randrange(20_000, 90_000_000), pid, s(cmd), esc("High" if user in ("root", "system") else "Medium"),
               iso(created), esc(domain), esc(user), r.randrange(1 << 31), esc(pf), ppid, s(pcmd), s(ppath),
               r.randrange(1, 4_194_304), esc(gfname), i + 1))
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))
    if out is not sys.stdout:
        out.close()


def iso(us):
    secs, frac = divmod(us, 1_000_000)
    return dt.datetime.fromtimestamp(secs, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06d0Z" % frac


if __name__ == "__main__":
    main()

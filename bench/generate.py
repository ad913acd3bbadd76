#!/usr/bin/env python3
"""Generate synthetic DeviceNetworkEvents and DeviceInfo exports for the benchmark.

The rows look like a Log Analytics (Sentinel) export of DeviceNetworkEvents: one JSON object
per line, the table's columns with `TimeGenerated` in place of `Timestamp`, about 1.5 KB per
row, and `AdditionalFields` as JSON text on about a third of the rows. Some of those carry
`direction` and `Tcp Flags`, so that the published TCP-flags query returns rows.

Output is the same for the same seed and row count. All names, hashes and addresses are
made up.

    generate.py --rows 100000 --out DeviceNetworkEvents.100k.ndjson
    generate.py --device-info --out DeviceInfo.ndjson
"""

import argparse
import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone

DEVICE_COUNT = 2000
TENANT_ID = "00000000-1111-2222-3333-444444444444"
START = datetime(2025, 6, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 7 * 24 * 3600

PROCESSES = [
    ("chrome.exe", r"C:\Program Files\Google\Chrome\Application", "Google LLC", "Google Chrome"),
    ("msedge.exe", r"C:\Program Files (x86)\Microsoft\Edge\Application", "Microsoft Corporation", "Microsoft Edge"),
    ("svchost.exe", r"C:\Windows\System32", "Microsoft Corporation", "Host Process for Windows Services"),
    ("MsSense.exe", r"C:\Program Files\Windows Defender Advanced Threat Protection", "Microsoft Corporation", "Windows Defender Advanced Threat Protection Service Executable"),
    ("powershell.exe", r"C:\Windows\System32\WindowsPowerShell\v1.0", "Microsoft Corporation", "Windows PowerShell"),
    ("teams.exe", r"C:\Users\user\AppData\Local\Microsoft\Teams\current", "Microsoft Corporation", "Microsoft Teams"),
    ("OneDrive.exe", r"C:\Users\user\AppData\Local\Microsoft\OneDrive", "Microsoft Corporation", "Microsoft OneDrive"),
    ("sshd", "/usr/sbin", "", ""),
]
ACTION_TYPES = [
    ("ConnectionSuccess", 40),
    ("ConnectionFailed", 10),
    ("InboundConnectionAccepted", 10),
    ("ListeningConnectionCreated", 5),
    ("ConnectionAcknowledged", 12),
    ("ConnectionAttempt", 8),
    ("HttpConnectionInspected", 5),
    ("SslConnectionInspected", 5),
    ("DnsConnectionInspected", 5),
]
# Decimal sums of TCP flag bits: common ones and the ones the published query looks for.
TCP_FLAGS = [2, 16, 18, 17, 24, 20, 4, 6, 7, 19, 27, 30, 31, 63, 119, 26, 36]
URLS = ["login.microsoftonline.com", "www.example.com", "cdn.example.net", "updates.example.org", ""]
PROTOCOLS = ["Tcp", "Udp", "Icmp"]


def device(index):
    digest = hashlib.sha1(f"device-{index}".encode()).hexdigest()
    return digest, f"host-{index:05d}.contoso.example"


def ip(rng, private):
    if private:
        choice = rng.random()
        if choice < 0.5:
            return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        if choice < 0.8:
            return f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        return f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond * 10:07d}Z"


def additional_fields(rng, action):
    """Return the AdditionalFields JSON text for a row, or None for about two thirds."""
    if rng.random() >= 1 / 3:
        return None
    if action in ("ConnectionAcknowledged", "ConnectionAttempt") or rng.random() < 0.4:
        fields = {
            "direction": rng.choice(["In", "Out", "In", "Inbound"]),
            "Tcp Flags": rng.choice(TCP_FLAGS),
            "uid": hashlib.md5(str(rng.random()).encode()).hexdigest()[:18],
        }
        if rng.random() < 0.3:
            fields["Tcp Flags"] = str(fields["Tcp Flags"])
        return json.dumps(fields)
    fields = {
        "direction": rng.choice(["In", "Out"]),
        "host": rng.choice(URLS) or "intranet",
        "method": rng.choice(["GET", "POST"]),
        "uri": "/" + "/".join(rng.choice(["api", "v2", "items", "login", "static"]) for _ in range(3)),
        "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        "status_code": rng.choice([200, 204, 301, 404, 500]),
    }
    return json.dumps(fields)


def network_row(rng, devices):
    device_id, device_name = rng.choice(devices)
    action = rng.choices([name for name, _ in ACTION_TYPES], [weight for _, weight in ACTION_TYPES])[0]
    name, folder, company, product = rng.choice(PROCESSES)
    moment = START + timedelta(seconds=rng.random() * SPAN_SECONDS)
    created = moment - timedelta(seconds=rng.randrange(60, 86400))
    sha = hashlib.sha256(name.encode()).hexdigest()
    remote_private = rng.random() < 0.4
    account = rng.choice(["system", "local service", "network service", "user01", "user02", "svc_backup"])
    return {
        "TenantId": TENANT_ID,
        "TimeGenerated": timestamp(moment),
        "ActionType": action,
        "AdditionalFields": additional_fields(rng, action),
        "DeviceId": device_id,
        "DeviceName": device_name,
        "InitiatingProcessAccountDomain": "contoso" if account.startswith("user") else "nt authority",
        "InitiatingProcessAccountName": account,
        "InitiatingProcessAccountSid": f"S-1-5-21-{rng.randrange(10**9)}-{rng.randrange(10**9)}-{rng.randrange(10**4)}",
        "InitiatingProcessAccountUpn": f"{account}@contoso.example" if account.startswith("user") else "",
        "InitiatingProcessCommandLine": f'{name} -k {rng.choice(["netsvcs", "LocalService", "utility"])} -p {rng.randrange(10**4)}',
        "InitiatingProcessCreationTime": timestamp(created),
        "InitiatingProcessFileName": name,
        "InitiatingProcessFileSize": rng.randrange(10**5, 10**8),
        "InitiatingProcessFolderPath": folder + "\\" + name,
        "InitiatingProcessId": rng.randrange(100, 65000),
        "InitiatingProcessIntegrityLevel": rng.choice(["System", "High", "Medium", "Low"]),
        "InitiatingProcessMD5": hashlib.md5(name.encode()).hexdigest(),
        "InitiatingProcessParentFileName": rng.choice(["explorer.exe", "services.exe", "svchost.exe", "systemd"]),
        "InitiatingProcessParentId": rng.randrange(100, 65000),
        "InitiatingProcessSessionId": rng.randrange(0, 5),
        "InitiatingProcessSHA1": hashlib.sha1(name.encode()).hexdigest(),
        "InitiatingProcessSHA256": sha,
        "InitiatingProcessTokenElevation": rng.choice(["TokenElevationTypeDefault", "TokenElevationTypeFull", "TokenElevationTypeLimited"]),
        "InitiatingProcessUniqueId": str(rng.randrange(10**12, 10**13)),
        "InitiatingProcessVersionInfoCompanyName": company,
        "InitiatingProcessVersionInfoOriginalFileName": name,
        "InitiatingProcessVersionInfoProductName": product,
        "InitiatingProcessVersionInfoProductVersion": f"{rng.randrange(1, 130)}.0.{rng.randrange(9999)}.{rng.randrange(999)}",
        "IsInitiatingProcessRemoteSession": False,
        "LocalIP": ip(rng, True),
        "LocalIPType": "Private",
        "LocalPort": rng.randrange(1024, 65536),
        "MachineGroup": rng.choice(["Servers", "Workstations", "UnassignedGroup"]),
        "Protocol": rng.choice(PROTOCOLS),
        "RemoteIP": ip(rng, remote_private),
        "RemoteIPType": "Private" if remote_private else "Public",
        "RemotePort": rng.choice([443, 80, 53, 445, 3389, 22, 135, 8080]),
        "RemoteUrl": rng.choice(URLS),
        "ReportId": rng.randrange(10**4, 10**7),
        "Type": "DeviceNetworkEvents",
    }


def device_info_row(rng, device_id, device_name):
    moment = START + timedelta(seconds=rng.random() * SPAN_SECONDS)
    return {
        "TenantId": TENANT_ID,
        "TimeGenerated": timestamp(moment),
        "DeviceId": device_id,
        "DeviceName": device_name,
        "OSPlatform": rng.choice(["Windows11", "Windows10", "WindowsServer2022", "Linux"]),
        "OSBuild": rng.randrange(19000, 26000),
        "MachineGroup": rng.choice(["Servers", "Workstations", "UnassignedGroup"]),
        "PublicIP": ip(rng, False),
        "Type": "DeviceInfo",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="DeviceNetworkEvents rows to write")
    parser.add_argument("--device-info", action="store_true", help="write DeviceInfo, one row per device, instead")
    parser.add_argument("--seed", type=int, default=6, help="random seed")
    parser.add_argument("--out", required=True, help="output file")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    devices = [device(index) for index in range(DEVICE_COUNT)]
    with open(args.out, "w", encoding="utf-8", buffering=1 << 20) as out:
        if args.device_info:
            for device_id, device_name in devices:
                out.write(json.dumps(device_info_row(rng, device_id, device_name), separators=(",", ":")) + "\n")
            return 0
        for _ in range(args.rows):
            out.write(json.dumps(network_row(rng, devices), separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

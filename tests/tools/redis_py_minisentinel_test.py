#!/usr/bin/python3
"""redis-py (Debian's python3-redis) against tools/minisentinel: discovery,
master_for / slave_for reads and writes, the sentinel_* admin calls, and a
failover that redis-py follows. Exits 77 when redis-py is not installed."""
import json
import subprocess
import sys
import time

try:
    import redis
    from redis.sentinel import Sentinel, MasterNotFoundError
except ImportError:
    print("redis-py (python3-redis) is not installed: skipped")
    sys.exit(77)

exe = sys.argv[1]
proc = subprocess.Popen([exe, "--control", "--replicas", "2", "--sentinels", "3", "--sentinel-pass", "spass",
                         "--requirepass", "dpass"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def control(cmd):
    proc.stdin.write(cmd + "\n")
    proc.stdin.flush()
    answer = json.loads(proc.stdout.readline())
    assert "error" not in answer, answer
    return answer


def addr(pair):
    host = pair[0].decode() if isinstance(pair[0], bytes) else pair[0]
    return "%s:%d" % (host, int(pair[1]))


try:
    info = json.loads(proc.stdout.readline())
    sentinels = [(a.split(":")[0], int(a.split(":")[1])) for a in info["sentinels"]]
    s = Sentinel(sentinels, socket_timeout=5, password="dpass", sentinel_kwargs={"password": "spass"})

    # Discovery
    assert addr(s.discover_master("mymaster")) == info["master"], s.discover_master("mymaster")
    slaves = sorted(addr(x) for x in s.discover_slaves("mymaster"))
    assert slaves == sorted(info["replicas"]), (slaves, info["replicas"])
    try:
        s.discover_master("nosuch")
        raise AssertionError("unknown name was found")
    except MasterNotFoundError:
        pass

    # Reads and writes through the pools
    master = s.master_for("mymaster", socket_timeout=5)
    assert master.set("greeting", "hello") is True
    assert master.get("greeting") == b"hello"
    assert master.incr("counter") == 1
    assert master.execute_command("WAIT", 2, 5000) == 2
    replica = s.slave_for("mymaster", socket_timeout=5)
    assert replica.get("greeting") == b"hello"
    try:
        replica.set("x", "y")
        raise AssertionError("a replica accepted a write")
    except redis.exceptions.ReadOnlyError:
        pass
    except redis.exceptions.ConnectionError:
        pass  # redis-py's SentinelManagedConnection turns READONLY into a disconnect

    # Admin calls
    m = s.sentinels[0].sentinel_master("mymaster")
    assert m["name"] == "mymaster" and m["is_master"] and m["num-slaves"] == 2, m
    assert m["num-other-sentinels"] == 2 and m["quorum"] == 2, m
    masters = s.sentinels[0].sentinel_masters()
    assert list(masters) == ["mymaster"], masters
    assert len(s.sentinels[0].sentinel_slaves("mymaster")) == 2
    assert len(s.sentinels[0].sentinel_sentinels("mymaster")) == 2
    got = s.sentinels[0].sentinel_get_master_addr_by_name("mymaster")
    assert addr(got) == info["master"], got
    # ckquorum, flushconfig and reset go through the Sentinel object (redis-py
    # sends them to every Sentinel and answers True); a raised error fails.
    assert s.sentinel_ckquorum("mymaster") is True
    assert s.sentinels[0].sentinel_set("mymaster", "down-after-milliseconds", 300) is True
    assert s.sentinels[0].sentinel_master("mymaster")["down-after-milliseconds"] == 300
    host, port = info["replicas"][0].split(":")
    assert s.sentinels[0].sentinel_monitor("other", host, int(port), 1) is True
    assert "other" in s.sentinels[0].sentinel_masters()
    assert s.sentinels[0].sentinel_remove("other") is True
    assert "other" not in s.sentinels[0].sentinel_masters()
    assert s.sentinel_flushconfig() is True
    assert s.sentinels[0].execute_command("SENTINEL", "CKQUORUM", "mymaster") == \
        b"OK 3 usable Sentinels. Quorum and failover authorization can be reached"
    try:
        s.sentinels[0].sentinel_master("nosuch")
        raise AssertionError("unknown name answered")
    except redis.exceptions.ResponseError as e:
        assert "No such master with that name" in str(e), e

    # A failover, which redis-py follows. As with a real Sentinel, after a
    # manual failover the old master stays a master until the Sentinels
    # convert it (and kill its clients); writes meanwhile go there and are
    # lost. Wait for that, then redis-py must reach the new master.
    old = info["master"]
    new = control("failover")["master"]
    assert new != old
    assert control("wait-agreement")["master"] == new
    written = False
    for attempt in range(10):
        try:
            master.set("after", "failover")
            written = True
            break
        except (redis.exceptions.ConnectionError, redis.exceptions.ReadOnlyError):
            continue  # the old connection was killed; the next one re-discovers
    assert written, "redis-py did not reach the new master"
    assert addr(s.discover_master("mymaster")) == new
    direct = redis.Redis(host=new.split(":")[0], port=int(new.split(":")[1]), password="dpass", socket_timeout=5)
    assert direct.get("after") == b"failover"
    assert direct.get("greeting") == b"hello"

    # Failover through the Sentinel command, as an operator would
    before = addr(s.discover_master("mymaster"))
    assert s.sentinels[1].sentinel_failover("mymaster") is True
    assert control("wait-failover " + before)["master"] != before
    control("wait-agreement")
    for attempt in range(10):
        try:
            assert master.incr("counter") == 2
            break
        except (redis.exceptions.ConnectionError, redis.exceptions.ReadOnlyError):
            continue
    else:
        raise AssertionError("redis-py did not follow the second failover")
    print("ok")
finally:
    proc.terminate()
    assert proc.wait(timeout=10) == 0

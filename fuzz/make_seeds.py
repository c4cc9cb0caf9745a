#!/usr/bin/env python3
"""Writes the committed seed corpora fuzz/seeds/<target>/ from the shared vectors in vectors/.

Fields are separated by the byte 0xFF (see fuzz/src/lib.rs). Run from anywhere:
    python3 fuzz/make_seeds.py
"""
import base64, json, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEP = b"\xff"
V = json.load(open(os.path.join(ROOT, "vectors", "wechat-vectors.json")))
NEG = json.load(open(os.path.join(ROOT, "vectors", "band-negative-cases.json")))

seeds = {t: [] for t in ["open_data", "open_data_roundtrip", "base64_policy", "signatures", "msg_crypt"]}
u = lambda s: s.encode()

band = V["data_crypt"][0]
for d in V["data_crypt"]:
    seeds["open_data"].append(SEP.join(map(u, [d["appId"], d["sessionKey"], d["encryptedData"], d["iv"]])))
# A few negative cases of the Band vector (damaged base64, wrong appid, ...).
for case in NEG[:6]:
    seeds["open_data"].append(SEP.join(u(str(case.get(k, ""))) for k in ["appid", "sessionKey", "encryptedData", "iv"]))
# Plaintext mode: the Band plaintext (and a small one) encrypted by the target itself.
opts = bytes([3, 1]) + u("oGZUI0egBJY1zhBYw2KhdUfwVJJE")
seeds["open_data"].append(SEP.join([u(band["appId"]), u(band["sessionKey"]), b"", u(band["iv"]), opts, u(band["plaintext"])]))
seeds["open_data"].append(SEP.join([b"wx1", u(band["sessionKey"]), b"", u(band["iv"]), b"", b'{"a":"\\ud800","watermark":{"appid":"wx1","timestamp":1.5e9}}']))

key = base64.b64decode(band["sessionKey"])
iv = base64.b64decode(band["iv"])
for how, pt in enumerate([u(band["plaintext"]), b"", b"x" * 16, "\u6d4b\u8bd5".encode()]):
    seeds["open_data_roundtrip"].append(key + iv + bytes([how * 9]) + pt)

for s in [band["iv"], band["sessionKey"], band["encryptedData"][:64], "r7BXXKkLb8qrSNn05n0qiA", "r7BXXKkLb8qrSNn05n0qiA%3D%3D",
          "r7BXXKkLb8qrSNn05n0qiA== ", "r7BX XKkL\nb8qr SNn0 5n0qiA==", "_-8=", V["msg_crypt"][0]["encodingAESKey"]]:
    seeds["base64_policy"].append(u(s))

r = V["rawdata_signature"][0]
seeds["signatures"].append(SEP.join(map(u, [r["rawData"], r["sessionKey"], "", "", r["signature"]])))
for s in V["url_signature"]:
    seeds["signatures"].append(SEP.join(map(u, [s["token"], s["timestamp"], s["nonce"], "", s["signature"].upper()])))
for m in V["msg_crypt"][:2]:
    seeds["signatures"].append(SEP.join(map(u, [m["token"], m["timestamp"], m["nonce"], m["encrypt"], m["msg_signature"]])))

for m in V["msg_crypt"]:
    body = json.dumps({"Encrypt": m["encrypt"]}) if m["msg"].startswith("{") else \
        "<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>" % m["encrypt"]
    seeds["msg_crypt"].append(b"\x00" + SEP.join(map(u, [m["token"], m["encodingAESKey"], m["appid"], m["msg_signature"], m["timestamp"], m["nonce"], body])))
    k = base64.b64decode(m["encodingAESKey"] + "=")
    for fmt in (0, 1):
        seeds["msg_crypt"].append(b"\x01" + k + u(m["random"]) + bytes([fmt]) + SEP.join(map(u, [m["token"], m["appid"], m["timestamp"], m["nonce"], m["msg"]])))

out = os.path.join(HERE, "seeds")
shutil.rmtree(out, ignore_errors=True)
for target, items in seeds.items():
    os.makedirs(os.path.join(out, target))
    for i, data in enumerate(items):
        with open(os.path.join(out, target, "seed-%02d" % i), "wb") as f:
            f.write(data)
    print(target, len(items))

"""The addon's panel tokens against the shared vectors (../token-vectors.json), which the sidecar's
TypeScript tests read too, so the two sides cannot drift. Runs without Odoo:
``python3 -m unittest discover -s addon-bridge/tests``."""
import base64
import importlib.util
import json
import pathlib
import unittest

ADDON_BRIDGE = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("panel_token", ADDON_BRIDGE / "sync_studio_bridge" / "panel_token.py")
panel_token = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(panel_token)

VECTORS = json.loads((ADDON_BRIDGE / "token-vectors.json").read_text(encoding="utf-8"))


def outcome(token):
    """What a verifier with the vectors' secret, database and time makes of ``token``."""
    encoded, _, signature = token.partition(".")
    if panel_token.sign(VECTORS["secret"], encoded) != signature:
        return "signature"
    payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    if set(payload) != {"uid", "db", "role", "exp"} or payload["role"] not in panel_token.ROLES:
        return "malformed"
    if payload["exp"] <= VECTORS["now"]:
        return "expired"
    if payload["db"] != VECTORS["database"]:
        return "database"
    return {"uid": payload["uid"], "db": payload["db"], "role": payload["role"]}


class SharedVectors(unittest.TestCase):
    def test_every_kind_is_covered(self):
        kinds = {case["kind"] for case in VECTORS["cases"]}
        self.assertEqual(kinds, {"valid", "expired", "tampered", "wrong-database", "wrong-role"})

    def test_minted_tokens_match_the_sidecar_byte_for_byte(self):
        for case in VECTORS["cases"]:
            if "payload" not in case or case["kind"] == "wrong-role":
                continue
            with self.subTest(case["name"]):
                self.assertEqual(panel_token.mint(VECTORS["secret"], **case["payload"]), case["token"])

    def test_each_vector_has_the_stated_outcome(self):
        for case in VECTORS["cases"]:
            with self.subTest(case["name"]):
                self.assertEqual(outcome(case["token"]), case["expect"])

    def test_an_unknown_role_is_never_minted(self):
        with self.assertRaisesRegex(ValueError, "role must be one of user, developer, administrator"):
            panel_token.mint(VECTORS["secret"], 2, "odoo", "superuser", VECTORS["now"] + 60)


class Secret(unittest.TestCase):
    long_secret = "x" * panel_token.SECRET_MIN_LENGTH

    def test_odoo_configuration_first_then_environment(self):
        self.assertEqual(
            panel_token.read_secret({"sync_studio_secret": self.long_secret}, {"SYNC_STUDIO_SECRET": "y" * 40}), self.long_secret
        )
        self.assertEqual(panel_token.read_secret({}, {"SYNC_STUDIO_SECRET": "y" * 40}), "y" * 40)
        # odoo.conf's "sync_studio_secret = False" reaches tools.config as the boolean False
        self.assertEqual(panel_token.read_secret({"sync_studio_secret": False}, {"SYNC_STUDIO_SECRET": "y" * 40}), "y" * 40)

    def test_missing_is_none(self):
        self.assertIsNone(panel_token.read_secret({}, {}))
        self.assertIsNone(panel_token.read_secret({"sync_studio_secret": ""}, {"SYNC_STUDIO_SECRET": ""}))

    def test_too_short_is_refused_with_the_setting_named(self):
        with self.assertRaisesRegex(panel_token.SecretError, "sync_studio_secret .* at least 32 characters"):
            panel_token.read_secret({"sync_studio_secret": "short"}, {})


class Roles(unittest.TestCase):
    def test_highest_group_wins_and_no_group_gives_no_role(self):
        self.assertEqual(panel_token.role_for(lambda role: True), "administrator")
        self.assertEqual(panel_token.role_for(lambda role: role in ("user", "developer")), "developer")
        self.assertEqual(panel_token.role_for(lambda role: role == "user"), "user")
        self.assertIsNone(panel_token.role_for(lambda role: False))


if __name__ == "__main__":
    unittest.main()

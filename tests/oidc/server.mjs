// A real OpenID Provider for the tests: the certified `oidc-provider`, on loopback.
//
// Configured by environment variables (tests/oidc_provider.py starts it):
//   OIDC_PORT           port on 127.0.0.1
//   OIDC_CLIENTS        JSON list of {client_id, client_secret, redirect_uris}
//   OIDC_JWKS           JSON {keys: [...private JWKs]}: the signing keys (the first signs),
//                       so a test can restart the provider with rotated keys; unset: one
//                       fresh RSA key
// Accounts: any login name signs in (the provider's development login form). The account's
// email is the login name if it has an "@", else "<login>@example.com"; a login that starts
// with "unverified" has `email_verified: false`.
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS).map((client) => ({
  grant_types: ["authorization_code"],
  response_types: ["code"],
  token_endpoint_auth_method: "client_secret_basic",
  ...client,
}));
function freshKeys() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "key-1", use: "sig", alg: "RS256" }] };
}
const jwks = process.env.OIDC_JWKS ? JSON.parse(process.env.OIDC_JWKS) : freshKeys();

function account(id) {
  const email = id.includes("@") ? id : `${id}@example.com`;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        email,
        email_verified: !id.startsWith("unverified"),
        name: `Test ${id.split("@")[0]}`,
        preferred_username: id.split("@")[0],
      };
    },
  };
}

const provider = new Provider(issuer, {
  clients,
  jwks,
  cookies: { keys: ["test-only-cookie-key-test-only-cookie-key"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username"],
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  findAccount: async (_ctx, id) => account(id),
  // First-party clients: no consent screen (the grant is made on the spot).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["email", "email_verified", "name", "preferred_username"]);
    await grant.save();
    return grant;
  },
  // The ID token carries the claims itself (no userinfo round trip needed).
  conformIdTokenClaims: false,
  ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
});
provider.on("server_error", (_ctx, error) => console.error("server_error", error));

provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

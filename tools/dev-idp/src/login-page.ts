import { DEV_USERS } from './principals';

export interface LoginPageOptions {
  readonly uid: string;
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
}

/** The dev login form: a plain HTML form posting `username` and `password` back to the interaction. */
export function loginPage(options: LoginPageOptions): string {
  const users = Object.keys(DEV_USERS)
    .map((name) => `<code>${escapeHtml(name)}</code>`)
    .join(', ');
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const uid = encodeURIComponent(options.uid);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Aurora dev IdP</title>
<style>
body{font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;box-sizing:border-box;padding:.4rem}
button{margin-top:1rem;padding:.4rem 1rem}.error{color:#b00020}.hint{color:#555;font-size:.9rem}
</style>
</head>
<body>
<h1>Sign in</h1>
<p>to <strong>${escapeHtml(options.clientName)}</strong> (Aurora development identity provider)</p>
${error}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
<label for="username">User name</label>
<input id="username" name="username" required autofocus value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Dev users: ${users}. The password is the user name.</p>
<p><a href="/interaction/${uid}/abort">Cancel</a></p>
</body>
</html>
`;
}

/** The RP-initiated logout confirmation; `form` is oidc-provider's hidden form (`op.logoutForm`, with its xsrf token). */
export function logoutPage(form: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign out - Aurora dev IdP</title></head>
<body>
<h1>Sign out of the Aurora dev IdP?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>
</body>
</html>
`;
}

/** A bare page for interaction errors (expired or unknown interaction, unsupported prompt). */
export function messagePage(title: string, message: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} - Aurora dev IdP</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

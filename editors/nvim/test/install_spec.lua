-- Installing as the README says: the plugin folder added to 'runtimepath'
-- after startup (lazy.nvim's `config`, or by path in init.lua), then
-- setup({}) with no command: the repository's build is found and used.
local T = dofile(os.getenv("PM_REPO") .. "/editors/nvim/test/helpers.lua")

T.test("rtp + setup({}) without plugin/ gives commands and a server", function()
  T.eq(0, vim.fn.exists(":PostmortemDraft"), "no command before setup")
  vim.opt.rtp:append(T.repo .. "/editors/nvim")
  -- Not on PATH: the plugin finds the repository's target/release build.
  vim.env.PATH = "/usr/bin:/bin"
  local pm = require("postmortem")
  local cmd, why = pm.resolve_cmd({})
  T.ok(cmd and cmd[1]:find(T.repo .. "/target/", 1, true) == 1 and cmd[2] == "serve", vim.inspect(cmd))
  T.eq("the repository's build", why)
  pm.setup({ notify_progress = false })
  T.eq(2, vim.fn.exists(":PostmortemDraft"), ":PostmortemDraft after setup")
  local dir = T.workspace("install", { ["postmortem.yaml"] = T.read(T.example .. "/mistakes.postmortem.yaml") })
  local buf, client = T.open(dir .. "/postmortem.yaml")
  T.eq(cmd[1], client.config.cmd[1])
  T.ok(#vim.diagnostic.get(buf) > 10, "diagnostics")
end)

T.test("a missing binary is reported with the fix, not an error trace", function()
  local pm = require("postmortem")
  local cmd, why = pm.resolve_cmd({ cmd = nil })
  T.ok(cmd, "resolves while the repository build exists")
  -- Point the plugin at a checkout without a build.
  local orig = pm.repo_root
  pm.repo_root = function()
    return T.tmp
  end
  cmd, why = pm.resolve_cmd({})
  pm.repo_root = orig
  T.eq(nil, cmd)
  T.contains(why, "cargo install --path crates/postmortem-lsp")
  T.contains(why, "setup({ cmd = ")
end)

T.run()

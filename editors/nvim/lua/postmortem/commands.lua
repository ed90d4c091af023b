--- The user commands (also created by setup(), so that installs which add
--- editors/nvim to 'runtimepath' late still get them).
local M = {}

function M.create()
  local function pm()
    return require("postmortem")
  end

  vim.api.nvim_create_user_command("PostmortemDraft", function(o)
    pm().draft(o.args)
  end, {
    nargs = "?",
    desc = "Draft a postmortem section with Claude",
    complete = function(lead)
      return vim.tbl_filter(function(s)
        return s:sub(1, #lead) == lead
      end, pm().sections)
    end,
  })
  vim.api.nvim_create_user_command("PostmortemDraftMissing", function()
    pm().draft_missing()
  end, { desc = "Draft every missing postmortem section with Claude" })
  vim.api.nvim_create_user_command("PostmortemReview", function()
    pm().review()
  end, { desc = "Review the postmortem with Claude (writes `verify`)" })
  vim.api.nvim_create_user_command("PostmortemReviewWording", function()
    pm().review_wording()
  end, { desc = "Ask Claude to review the blameless wording (findings as diagnostics)" })
  vim.api.nvim_create_user_command("PostmortemLowConfidence", function()
    pm().low_confidence()
  end, { desc = "Quickfix list of the fields to verify" })
  vim.api.nvim_create_user_command("PostmortemPreview", function()
    pm().preview()
  end, { desc = "Open the postmortem, rendered as HTML, in the browser" })
  vim.api.nvim_create_user_command("PostmortemRender", function(o)
    pm().render_split(o.args)
  end, {
    nargs = "?",
    desc = "The postmortem rendered as Markdown (default) or HTML, in a split",
    complete = function(lead)
      return vim.tbl_filter(function(s)
        return s:sub(1, #lead) == lead
      end, { "html", "md" })
    end,
  })
  vim.api.nvim_create_user_command("PostmortemCancel", function()
    pm().cancel()
  end, { desc = "Cancel the running Claude drafts" })
end

return M

#!/bin/sh
# A stand-in for `claude` that answers one stream-json prompt instantly, so that the benchmark can
# measure the wrapper's own overhead without the real CLI's ~0.8 s start-up noise.
read -r _line
printf '%s\n' '{"type":"system","subtype":"init","session_id":"00000000-0000-4000-8000-000000000001","model":"instant","tools":[]}'
printf '%s\n' '{"type":"assistant","message":{"id":"msg_1","type":"message","role":"assistant","model":"instant","content":[{"type":"text","text":"hi"}]},"parent_tool_use_id":null,"session_id":"00000000-0000-4000-8000-000000000001"}'
printf '%s\n' '{"type":"result","subtype":"success","is_error":false,"result":"hi","session_id":"00000000-0000-4000-8000-000000000001","num_turns":1,"duration_ms":1,"duration_api_ms":0,"total_cost_usd":0,"usage":{"input_tokens":1,"output_tokens":1}}'

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { PACKAGE_ROOT, toolInfo } from '../../src/runner/environment.js';

test('results record whether pinbench had uncommitted changes, as git status says', () => {
  const tool = toolInfo();
  if (tool.commit === null) {
    assert.equal(tool.dirty, undefined); // not a git checkout: nothing to say
    return;
  }
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  assert.equal(tool.dirty, status.trim() !== '');
});

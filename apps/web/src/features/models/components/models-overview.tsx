import { Panel } from '@/components/ui/panel';
import { ComingSoon } from '@/components/ui/coming-soon';
import { SlidersIcon } from '@/components/ui/icons';

/** Admin: the models available (base and fine-tuned), their engine and status, and which one answers. */
export function ModelsOverview() {
  return (
    <Panel title="Available models" icon={<SlidersIcon />}>
      <ComingSoon
        icon={<SlidersIcon className="size-6" />}
        title="Base and fine-tuned models, their engine and status, and the one answering now."
        status="Coming soon: the model list and switching without a restart."
      >
        <p>
          Models run in-process (ONNX or GGUF) or on a remote OpenAI-compatible server. Switching takes effect on the
          next message.
        </p>
      </ComingSoon>
    </Panel>
  );
}

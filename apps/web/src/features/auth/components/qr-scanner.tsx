import { ComingSoon } from '@/components/ui/coming-soon';
import { CameraIcon } from '@/components/ui/icons';

/** Camera QR scanner (@zxing/browser). The viewfinder frame is final; the camera is not wired yet. */
export function QrScanner() {
  return (
    <div className="mx-auto w-full max-w-md">
      <div className="relative aspect-square overflow-hidden rounded-2xl bg-slate-900 dark:bg-black">
        <div aria-hidden="true" className="absolute inset-10 rounded-xl border-2 border-dashed border-teal-300/80" />
        <div className="absolute inset-0 flex items-center justify-center p-14">
          <ComingSoon
            tone="inverse"
            className="py-4"
            icon={<CameraIcon className="size-6" />}
            title="The camera view will appear here."
            status="Coming soon: QR sign-in."
          />
        </div>
      </div>
      <p className="mt-4 text-sm text-slate-700 dark:text-slate-300">
        Your browser will ask for permission to use the camera. The image stays on your device; only the code it reads
        is sent.
      </p>
    </div>
  );
}
